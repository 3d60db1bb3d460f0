/// The element type of a tensor, chosen at run time. PyTorch: `torch.dtype`.
public enum DType: Int, Sendable, CaseIterable, CustomStringConvertible {
    case bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64

    /// Bytes per element. PyTorch: `dtype.itemsize`.
    public var itemSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .int16, .float16, .bfloat16: 2
        case .int32, .float32: 4
        case .int64, .float64: 8
        }
    }

    /// PyTorch: `dtype.is_floating_point`.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: true
        default: false
        }
    }

    /// True for the integer types (bool excluded).
    public var isIntegral: Bool { !isFloatingPoint && self != .bool }

    /// The name PyTorch prints, as in `torch.float64`.
    public var description: String {
        switch self {
        case .bool: "torch.bool"
        case .uint8: "torch.uint8"
        case .int8: "torch.int8"
        case .int16: "torch.int16"
        case .int32: "torch.int32"
        case .int64: "torch.int64"
        case .float16: "torch.float16"
        case .bfloat16: "torch.bfloat16"
        case .float32: "torch.float32"
        case .float64: "torch.float64"
        }
    }

    /// The legacy tensor-type name used in autograd error messages (`torch.FloatTensor`).
    var legacyName: String {
        switch self {
        case .bool: "torch.BoolTensor"
        case .uint8: "torch.ByteTensor"
        case .int8: "torch.CharTensor"
        case .int16: "torch.ShortTensor"
        case .int32: "torch.IntTensor"
        case .int64: "torch.LongTensor"
        case .float16: "torch.HalfTensor"
        case .bfloat16: "torch.BFloat16Tensor"
        case .float32: "torch.FloatTensor"
        case .float64: "torch.DoubleTensor"
        }
    }

    /// The type in which kernels compute for this dtype: half types compute in float32,
    /// every integer type in int64; float32, float64 and bool compute natively.
    var computeType: DType {
        switch self {
        case .float16, .bfloat16: .float32
        case .uint8, .int8, .int16, .int32: .int64
        default: self
        }
    }

    /// The largest finite value of a floating dtype. PyTorch: `torch.finfo(dtype).max`.
    var largestFinite: Double {
        switch self {
        case .float16: 65504
        case .bfloat16: 3.3895313892515355e38
        case .float32: Double(Float.greatestFiniteMagnitude)
        default: .greatestFiniteMagnitude
        }
    }

    /// The default floating type that integer inputs of float-only ops promote to.
    public static let defaultFloat: DType = .float32

    /// The result type of combining two tensors. PyTorch: `torch.promote_types`.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        if a.isFloatingPoint || b.isFloatingPoint {
            if !a.isFloatingPoint { return b }
            if !b.isFloatingPoint { return a }
            if (a == .float16 && b == .bfloat16) || (a == .bfloat16 && b == .float16) { return .float32 }
            return a.rawValue > b.rawValue ? a : b
        }
        // Both integral: uint8 with a signed type needs the next wider signed type.
        if a == .uint8 || b == .uint8 {
            let other = a == .uint8 ? b : a
            return other == .int8 ? .int16 : other
        }
        return a.rawValue > b.rawValue ? a : b
    }

    /// The category rank used when a zero-dim tensor or a Swift scalar meets a tensor:
    /// such an operand only changes the result type when it is of a higher category.
    var category: Int { self == .bool ? 0 : (isFloatingPoint ? 2 : 1) }
}
