/// bfloat16: the top 16 bits of an IEEE float32. PyTorch: `torch.bfloat16`.
public struct BFloat16: Sendable, Hashable {
    /// The raw bits.
    public var bits: UInt16
    /// Rounds a float to the nearest bfloat16 (ties to even), as PyTorch does.
    public init(_ f: Float) {
        if f.isNaN { bits = 0x7FC0; return }
        let u = f.bitPattern
        bits = UInt16(truncatingIfNeeded: (u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
    }
    /// The value as a float (exact).
    public var float: Float { Float(bitPattern: UInt32(bits) << 16) }
}

/// A Swift type that stores one dtype's elements.
protocol Element {
    static var dtype: DType { get }
    static var isFloat: Bool { get }
    var asDouble: Double { get }
    var asInt64: Int64 { get }
    init(double: Double)
    init(int64: Int64)
}

extension Element {
    /// Converts between element types with C's cast semantics (float to int truncates).
    @inline(__always) static func cast<S: Element>(_ s: S) -> Self {
        S.isFloat ? Self(double: s.asDouble) : Self(int64: s.asInt64)
    }
}

/// Float to integer as C casts do, without trapping on NaN or out-of-range values.
@inline(__always) func truncatingInt64(_ d: Double) -> Int64 {
    d.isFinite && d > -9.2e18 && d < 9.2e18 ? Int64(d) : Int64.min
}

extension Bool: Element {
    static var dtype: DType { .bool }
    static var isFloat: Bool { false }
    var asDouble: Double { self ? 1 : 0 }
    var asInt64: Int64 { self ? 1 : 0 }
    init(double: Double) { self = double != 0 }
    init(int64: Int64) { self = int64 != 0 }
}

extension UInt8: Element {
    static var dtype: DType { .uint8 }
    static var isFloat: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(self) }
    init(double: Double) { self.init(truncatingIfNeeded: truncatingInt64(double)) }
    init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
}

extension Int8: Element {
    static var dtype: DType { .int8 }
    static var isFloat: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(self) }
    init(double: Double) { self.init(truncatingIfNeeded: truncatingInt64(double)) }
    init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
}

extension Int16: Element {
    static var dtype: DType { .int16 }
    static var isFloat: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(self) }
    init(double: Double) { self.init(truncatingIfNeeded: truncatingInt64(double)) }
    init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
}

extension Int32: Element {
    static var dtype: DType { .int32 }
    static var isFloat: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(self) }
    init(double: Double) { self.init(truncatingIfNeeded: truncatingInt64(double)) }
    init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
}

extension Int64: Element {
    static var dtype: DType { .int64 }
    static var isFloat: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { self }
    init(double: Double) { self = truncatingInt64(double) }
    init(int64: Int64) { self = int64 }
}

extension Float16: Element {
    static var dtype: DType { .float16 }
    static var isFloat: Bool { true }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { truncatingInt64(Double(self)) }
    init(double: Double) { self.init(Float(double)) }
    init(int64: Int64) { self.init(Float(int64)) }
}

extension BFloat16: Element {
    static var dtype: DType { .bfloat16 }
    static var isFloat: Bool { true }
    var asDouble: Double { Double(float) }
    var asInt64: Int64 { truncatingInt64(Double(float)) }
    init(double: Double) { self.init(Float(double)) }
    init(int64: Int64) { self.init(Float(int64)) }
}

extension Float: Element {
    static var dtype: DType { .float32 }
    static var isFloat: Bool { true }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { truncatingInt64(Double(self)) }
    init(double: Double) { self.init(double) }
    init(int64: Int64) { self.init(int64) }
}

extension Double: Element {
    static var dtype: DType { .float64 }
    static var isFloat: Bool { true }
    var asDouble: Double { self }
    var asInt64: Int64 { truncatingInt64(self) }
    init(double: Double) { self = double }
    init(int64: Int64) { self.init(int64) }
}

/// Runs generic code for the Swift type of a runtime dtype (one switch per call, not per element).
protocol ElementVisitor {
    associatedtype Result
    func visit<T: Element>(_ type: T.Type) -> Result
}

extension DType {
    func dispatch<V: ElementVisitor>(_ v: V) -> V.Result {
        switch self {
        case .bool: v.visit(Bool.self)
        case .uint8: v.visit(UInt8.self)
        case .int8: v.visit(Int8.self)
        case .int16: v.visit(Int16.self)
        case .int32: v.visit(Int32.self)
        case .int64: v.visit(Int64.self)
        case .float16: v.visit(Float16.self)
        case .bfloat16: v.visit(BFloat16.self)
        case .float32: v.visit(Float.self)
        case .float64: v.visit(Double.self)
        }
    }
}
