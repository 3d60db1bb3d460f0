/// A layer size argument given as one integer or one per dimension (`kernelSize: 2` or
/// `kernelSize: [2, 3]`), remembering which so the layer prints as PyTorch prints it.
public struct IntOrTuple: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The values: one, or one per dimension.
    public let values: [Int]
    /// Whether it was given as a single integer.
    public let isScalar: Bool

    public init(integerLiteral value: Int) { self.init(value) }
    public init(arrayLiteral elements: Int...) { self.init(elements) }
    /// A single integer.
    public init(_ value: Int) { values = [value]; isScalar = true }
    /// One value per dimension.
    public init(_ values: [Int]) { self.values = values; isScalar = false }

    /// The values for `n` dimensions: a scalar repeated, a tuple checked to have `n` entries.
    func expanded(_ n: Int, _ name: String, _ owner: String) -> [Int] {
        if isScalar { return Array(repeating: values[0], count: n) }
        check(values.count == n, "\(owner): expected \(name) to have \(n) values, got \(PyRepr.tuple(values))")
        return values
    }

    /// `2` or `(2, 3)`, as Python prints the argument.
    public var description: String { isScalar ? String(values[0]) : PyRepr.tuple(values) }
}

extension Module {
    /// Stops with `message` prefixed by this module's one-line form, for a wrong input to a layer.
    func checkInput(_ condition: Bool, _ message: @autoclosure () -> String) {
        check(condition, "\(typeName)(\(extraRepr)): \(message())")
    }
}
