/// Data a plot accepts: arrays of floating-point numbers (an array literal of integers is taken
/// as `[Double]`), integer ranges, and tensors (flattened; any dtype).
public protocol PlotValues {
    /// The values as doubles, in order.
    var plotValues: [Double] { get }
}

extension Array: PlotValues where Element: BinaryFloatingPoint {
    public var plotValues: [Double] { map { Double($0) } }
}

extension Range: PlotValues where Bound == Int {
    public var plotValues: [Double] { map(Double.init) }
}

extension ClosedRange: PlotValues where Bound == Int {
    public var plotValues: [Double] { map(Double.init) }
}

extension Tensor: PlotValues {
    /// The tensor's elements, flattened in row-major order (detached from autograd).
    public var plotValues: [Double] { detach().flatten().toDoubles() }
}

extension ArraySlice: PlotValues where Element: BinaryFloatingPoint {
    public var plotValues: [Double] { map { Double($0) } }
}
