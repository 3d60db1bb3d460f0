import Foundation

private struct FillKernel: ElementVisitor {
    let tensor: Tensor, value: Double
    func visit<T: Element>(_: T.Type) {
        let v = T(double: value)
        let layout = StridedLayout(shape: tensor.shape, strides: [tensor.strides])
        let p = tensor.pointer(as: T.self), s = layout.innerStride(0)
        layout.parallelRows { offs, n in
            let o = p + offs[0]
            if s == 1 { o.update(repeating: v, count: n) } else { for i in 0..<n { o[i * s] = v } }
        }
    }
}

extension Tensor {
    /// Writes `value` into every element (no autograd, no version bump).
    func fillRaw(_ value: Double) {
        if numel == 0 { return }
        if value == 0 && isContiguous {
            memset(pointer, 0, numel * dtype.itemSize)
        } else {
            dtype.dispatch(FillKernel(tensor: self, value: value))
        }
    }

    private static func make(_ shape: [Int], _ dtype: DType, _ requiresGrad: Bool, fill: Double?) -> Tensor {
        for s in shape { check(s >= 0, "Trying to create tensor with negative dimension \(s): \(shapeString(shape))") }
        let t = Tensor(uninitializedShape: shape, dtype: dtype)
        if let fill { t.fillRaw(fill) }
        if requiresGrad { t.requiresGrad = true }
        return t
    }

    /// Uninitialized tensor. PyTorch: `torch.empty`.
    public static func empty(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return make(shape, dtype, requiresGrad, fill: nil)
    }
    /// Uninitialized tensor. PyTorch: `torch.empty(*size)`.
    public static func empty(_ shape: Int..., dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return make(shape, dtype, requiresGrad, fill: nil)
    }
    /// Tensor of zeros. PyTorch: `torch.zeros`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return make(shape, dtype, requiresGrad, fill: 0)
    }
    /// Tensor of zeros. PyTorch: `torch.zeros(*size)`.
    public static func zeros(_ shape: Int..., dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return make(shape, dtype, requiresGrad, fill: 0)
    }
    /// Tensor of ones. PyTorch: `torch.ones`.
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return make(shape, dtype, requiresGrad, fill: 1)
    }
    /// Tensor of ones. PyTorch: `torch.ones(*size)`.
    public static func ones(_ shape: Int..., dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return make(shape, dtype, requiresGrad, fill: 1)
    }
    /// Tensor filled with `value`; the dtype defaults to float32, or int64/bool for integer/bool values
    /// when given as such. PyTorch: `torch.full`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return make(shape, dtype, requiresGrad, fill: value)
    }
    /// Zeros with the shape and dtype of `other`. PyTorch: `torch.zeros_like`.
    public static func zerosLike(_ other: Tensor, dtype: DType? = nil, requiresGrad: Bool = false, device: Device? = nil) -> Tensor {
        (device ?? other.device).require()
        return make(other.shape, dtype ?? other.dtype, requiresGrad, fill: 0)
    }
    /// Ones with the shape and dtype of `other`. PyTorch: `torch.ones_like`.
    public static func onesLike(_ other: Tensor, dtype: DType? = nil, requiresGrad: Bool = false, device: Device? = nil) -> Tensor {
        (device ?? other.device).require()
        return make(other.shape, dtype ?? other.dtype, requiresGrad, fill: 1)
    }
    /// `value` everywhere, shaped like `other`. PyTorch: `torch.full_like`.
    public static func fullLike(_ other: Tensor, _ value: Double, dtype: DType? = nil, requiresGrad: Bool = false, device: Device? = nil) -> Tensor {
        (device ?? other.device).require()
        return make(other.shape, dtype ?? other.dtype, requiresGrad, fill: value)
    }
    /// Uninitialized, shaped like `other`. PyTorch: `torch.empty_like`.
    public static func emptyLike(_ other: Tensor, dtype: DType? = nil, requiresGrad: Bool = false, device: Device? = nil) -> Tensor {
        (device ?? other.device).require()
        return make(other.shape, dtype ?? other.dtype, requiresGrad, fill: nil)
    }

    /// Values from `start` up to (excluding) `end` in steps of `step`: int64 when all three are
    /// integers, float32 otherwise. PyTorch: `torch.arange`.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType? = nil,
                              requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        check(step != 0, "arange: step must be nonzero")
        check((end - start) / step >= 0, "arange: upper bound and larger bound inconsistent with step sign")
        let n = Int(((end - start) / step).rounded(.up))
        let t = Tensor(uninitializedShape: [n], dtype: dtype ?? .float32)
        t.dtype.dispatch(Iota(tensor: t, start: start, step: step))
        if requiresGrad { t.requiresGrad = true }
        return t
    }
    /// Integers `start..<end` stepping by `step`, int64 unless `dtype` is given. PyTorch: `torch.arange`.
    public static func arange(_ start: Int, _ end: Int, step: Int = 1, dtype: DType = .int64, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return arange(Double(start), Double(end), step: Double(step), dtype: dtype, requiresGrad: requiresGrad)
    }
    /// `0..<end`. PyTorch: `torch.arange(end)`.
    public static func arange(_ end: Int, dtype: DType = .int64, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return arange(0, end, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive. PyTorch: `torch.linspace`.
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32,
                                requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        check(steps >= 0, "number of steps must be non-negative")
        let t = Tensor(uninitializedShape: [steps], dtype: dtype)
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        // Symmetric from both ends, as PyTorch computes it, so the last value is exactly `end`.
        let values = (0..<steps).map { i in i < steps / 2 ? start + step * Double(i) : end - step * Double(steps - 1 - i) }
        t.dtype.dispatch(FromDoubles(tensor: t, values: values))
        if requiresGrad { t.requiresGrad = true }
        return t
    }

    /// Identity matrix. PyTorch: `torch.eye`.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        let m = m ?? n
        let t = zeros([n, m], dtype: dtype)
        let diag = Tensor(storage: t.storage, shape: [Swift.min(n, m)], strides: [m + 1], offset: 0, dtype: dtype)
        diag.fillRaw(1)
        if requiresGrad { t.requiresGrad = true }
        return t
    }
}

private struct Iota: ElementVisitor {
    let tensor: Tensor, start: Double, step: Double
    func visit<T: Element>(_: T.Type) {
        let p = tensor.pointer(as: T.self)
        for i in 0..<tensor.numel { p[i] = T(double: start + Double(i) * step) }
    }
}

struct FromDoubles: ElementVisitor {
    let tensor: Tensor, values: [Double]
    func visit<T: Element>(_: T.Type) {
        let p = tensor.pointer(as: T.self)
        for (i, v) in values.enumerated() { p[i] = T(double: v) }
    }
}
