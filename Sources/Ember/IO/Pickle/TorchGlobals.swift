/// The globals a pickle may name, as `torch.load(weights_only=True)` decides (PyTorch's
/// `_weights_only_unpickler._get_allowed_globals`, torch 2.15): Ember rebuilds the ones state
/// dicts and optimizer states use; the others PyTorch allows (sparse, quantized and complex
/// tensors, dtypes Ember lacks) are refused as unsupported; anything else is refused as unsafe.
enum TorchGlobals {
    /// The dtype each legacy storage class holds: `torch.FloatStorage`, `torch.cuda.FloatStorage`.
    static func storageDType(_ name: String) -> DType? {
        let short = name.hasPrefix("torch.cuda.") ? String(name.dropFirst("torch.cuda.".count))
            : name.hasPrefix("torch.") ? String(name.dropFirst("torch.".count)) : ""
        return storageNames[short]
    }

    private static let storageNames: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "CharStorage": .int8, "ShortStorage": .int16, "IntStorage": .int32, "LongStorage": .int64,
        "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    /// The legacy storage class holding `dtype`, without its module: `FloatStorage`.
    static func storageName(_ dtype: DType) -> String {
        storageNames.first { $0.value == dtype }!.key
    }

    /// The dtype a dtype global names (`torch.float32`).
    static func dtype(_ name: String) -> DType? {
        DType.allCases.first { $0.description == name }
    }

    /// The callables and classes Ember runs.
    static let rebuilt: Set<String> = [
        "collections.OrderedDict", "collections.Counter", "torch.Size", "torch.device", "_codecs.encode",
        "builtins.set", "builtins.bytearray", "torch.Tensor", "torch.nn.parameter.Parameter",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2",
    ]

    /// Whether PyTorch's weights-only loader allows `name` (so refusing it is Ember's limit, not
    /// a safety refusal).
    static func allowedByPyTorch(_ name: String) -> Bool {
        if rebuilt.contains(name) || otherAllowed.contains(name) { return true }
        let kinds = ["Float", "Double", "Half", "BFloat16", "Char", "Short", "Int", "Long", "Byte", "Bool"]
        for prefix in ["torch.", "torch.cuda."] {
            for kind in kinds + ["ComplexFloat", "ComplexDouble"] where name == prefix + kind + "Storage" { return true }
            for kind in kinds where name == prefix + kind + "Tensor" { return true }
        }
        for kind in kinds.filter({ $0 != "Bool" }) where name == "torch.sparse.\(kind)Tensor" || name == "torch.cuda.sparse.\(kind)Tensor" {
            return true
        }
        return false
    }

    private static let otherAllowed: Set<String> = [
        "builtins.complex", "torch.serialization._get_layout", "torch.storage.TypedStorage", "torch.storage.UntypedStorage",
        "torch._utils._rebuild_device_tensor_from_cpu_tensor", "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_qtensor", "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_wrapper_subclass",
        "torch.QInt32Storage", "torch.QInt8Storage", "torch.QUInt2x4Storage", "torch.QUInt4x2Storage", "torch.QUInt8Storage",
        "torch.bcomplex32", "torch.bfloat16", "torch.bits16", "torch.bits1x8", "torch.bits2x4", "torch.bits4x2", "torch.bits8",
        "torch.bool", "torch.complex128", "torch.complex32", "torch.complex64", "torch.float16", "torch.float32",
        "torch.float4_e2m1fn_x2", "torch.float64", "torch.float8_e4m3fn", "torch.float8_e4m3fnuz", "torch.float8_e5m2",
        "torch.float8_e5m2fnuz", "torch.float8_e8m0fnu", "torch.int1", "torch.int16", "torch.int2", "torch.int3", "torch.int32",
        "torch.int4", "torch.int5", "torch.int6", "torch.int64", "torch.int7", "torch.int8", "torch.uint1", "torch.uint16",
        "torch.uint2", "torch.uint3", "torch.uint32", "torch.uint4", "torch.uint5", "torch.uint6", "torch.uint64", "torch.uint7",
        "torch.uint8", "torch.per_channel_affine", "torch.per_channel_affine_float_qparams", "torch.per_channel_symmetric",
        "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.qint32", "torch.qint8", "torch.quint2x4",
        "torch.quint4x2", "torch.quint8",
    ]
}
