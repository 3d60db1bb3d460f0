import Foundation

extension Tensor {
    /// Fills the contiguous tensor with `values(generator)`, drawn holding the generator's lock.
    private func fillRandom(_ generator: Generator?, _ values: (Generator) -> [Double]) {
        check(isContiguous, "random fill expects a contiguous tensor")
        dtype.dispatch(FromDoubles(tensor: self, values: (generator ?? Generator.current).withLock(values)))
    }

    /// `fillRandom` with one value per element from `draw`, in row-major order.
    private func fillEach(_ generator: Generator?, _ draw: (Generator) -> Double) {
        let n = numel
        fillRandom(generator) { g in (0..<n).map { _ in draw(g) } }
    }

    /// Fills in place (through a contiguous copy when strided) and bumps the version.
    private func inPlaceRandom(_ fill: (Tensor) -> Void) -> Tensor {
        if isContiguous {
            fill(self)
        } else {
            let tmp = Tensor(uninitializedShape: shape, dtype: dtype)
            fill(tmp)
            copyElements(from: tmp, to: self)
        }
        bumpVersion()
        return self
    }

    /// Samples of U(from, to) as PyTorch draws them: float64 from 53 random bits, every other
    /// dtype from 24 bits in float32, `from + u * (to - from)` fused in that precision.
    private func fillUniform(_ from: Double, _ to: Double, _ generator: Generator?) {
        if dtype == .float64 {
            fillEach(generator) { from.addingProduct($0.uniform(), to - from) }
        } else if dtype == .float32 {
            // Straight into the storage: the general path's array of doubles was 8 bytes per
            // weight of transient memory (210 MB for AlexNet's first linear layer) and most of
            // building a model in a debug build.
            check(isContiguous, "random fill expects a contiguous tensor")
            let p = pointer(as: Float.self), n = numel
            (generator ?? Generator.current).withLock { $0.uniformFloats(into: p, count: n, from, to) }
        } else {
            fillEach(generator) { Double($0.uniformFloat(from, to)) }
        }
    }

    /// Samples of N(mean, std²) as PyTorch draws them: with `blocks` (a contiguous destination)
    /// and 16 or more elements, Box-Muller in blocks of 16 (`NormalFill`), else one
    /// `Generator.normal()` each (which keeps a pair's second value for the next call).
    private func fillNormal(_ mean: Double, _ std: Double, _ generator: Generator?, blocks: Bool = true) {
        let n = numel, wide = dtype == .float64
        if dtype == .float32 && n >= 16 && blocks {  // straight into the storage, as fillUniform
            check(isContiguous, "random fill expects a contiguous tensor")
            let values = (generator ?? Generator.current).withLock { NormalFill.float32(n, mean: mean, std: std, $0) }
            values.withUnsafeBufferPointer { pointer(as: Float.self).update(from: $0.baseAddress!, count: n) }
            return
        }
        fillRandom(generator) { g in
            if n < 16 || !blocks { return (0..<n).map { _ in mean.addingProduct(g.normal(), std) } }
            return wide ? NormalFill.float64(n, mean: mean, std: std, g)
                : NormalFill.float32(n, mean: mean, std: std, g).map { Double($0) }
        }
    }

    /// Integers uniformly from `low..<high`, as PyTorch's `random_(from, to)` draws them.
    private func fillIntegers(_ low: Int, _ high: Int, _ generator: Generator?) {
        check(low < high, "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        let range = UInt64(bitPattern: Int64(high) &- Int64(low))
        fillEach(generator) { Double(low &+ Int(truncatingIfNeeded: $0.below(range))) }
    }

    /// Fills with samples from U(from, to). PyTorch: `tensor.uniform_`.
    @discardableResult
    public func uniform_(_ from: Double = 0, _ to: Double = 1, generator: Generator? = nil) -> Tensor {
        checkInPlaceOnLeaf()
        return inPlaceRandom { $0.fillUniform(from, to, generator) }
    }

    /// Fills with samples from N(mean, std²). PyTorch: `tensor.normal_`.
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        checkInPlaceOnLeaf()
        let blocks = isContiguous
        return inPlaceRandom { $0.fillNormal(mean, std, generator, blocks: blocks) }
    }

    /// Fills with 1 with probability `p`, else 0. PyTorch: `tensor.bernoulli_(p)`.
    @discardableResult
    public func bernoulli_(_ p: Double = 0.5, generator: Generator? = nil) -> Tensor {
        checkInPlaceOnLeaf()
        return inPlaceRandom { $0.fillEach(generator) { $0.uniform() < p ? 1 : 0 } }
    }

    /// Fills with integers uniformly from `low..<high`. PyTorch: `tensor.random_(low, high)`.
    @discardableResult
    public func random_(_ low: Int, _ high: Int, generator: Generator? = nil) -> Tensor {
        checkInPlaceOnLeaf()
        return inPlaceRandom { $0.fillIntegers(low, high, generator) }
    }

    /// Samples from U[0, 1). PyTorch: `torch.rand`.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        let t = empty(shape, dtype: dtype)
        t.fillUniform(0, 1, generator)
        if requiresGrad { t.requiresGrad = true }
        return t
    }
    /// Samples from U[0, 1). PyTorch: `torch.rand(*size)`.
    public static func rand(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return rand(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }
    /// Samples from N(0, 1). PyTorch: `torch.randn`.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return normal(mean: 0, std: 1, shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }
    /// Samples from N(0, 1). PyTorch: `torch.randn(*size)`.
    public static func randn(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        return randn(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }
    /// Samples from N(mean, std²). PyTorch: `torch.normal(mean, std, size)`.
    public static func normal(mean: Double = 0, std: Double = 1, _ shape: [Int], dtype: DType = .float32,
                              generator: Generator? = nil, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        let t = empty(shape, dtype: dtype)
        t.fillNormal(mean, std, generator)
        if requiresGrad { t.requiresGrad = true }
        return t
    }
    /// Samples from U(low, high). PyTorch: `torch.empty(size).uniform_(low, high)`.
    public static func uniform(_ low: Double, _ high: Double, _ shape: [Int], dtype: DType = .float32,
                               generator: Generator? = nil, requiresGrad: Bool = false, device: Device = .cpu) -> Tensor {
        device.require()
        let t = empty(shape, dtype: dtype)
        t.fillUniform(low, high, generator)
        if requiresGrad { t.requiresGrad = true }
        return t
    }
    /// Integers uniformly from `low..<high`, int64. PyTorch: `torch.randint`.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil, device: Device = .cpu) -> Tensor {
        device.require()
        let t = empty(shape, dtype: dtype)
        t.fillIntegers(low, high, generator)
        return t
    }
    /// Integers from `0..<high`. PyTorch: `torch.randint(high, size)`.
    public static func randint(_ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil, device: Device = .cpu) -> Tensor {
        device.require()
        return randint(0, high, shape, dtype: dtype, generator: generator)
    }
    /// A random permutation of `0..<n`, shuffled as PyTorch shuffles: forward Fisher-Yates with
    /// 32 random bits per swap (below 2³¹/10 elements), else inside-out with 64. PyTorch: `torch.randperm`.
    public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator? = nil, device: Device = .cpu) -> Tensor {
        device.require()
        var perm = Array(0..<n)
        (generator ?? Generator.current).withLock { g in
            if n < Int(UInt32.max / 20) {
                for i in 0..<Swift.max(n - 1, 0) { perm.swapAt(i, i + Int(g.random32() % UInt32(n - i))) }
            } else {
                for i in 0..<n {
                    let z = Int(g.random64() % UInt64(i + 1))
                    perm[i] = perm[z]
                    perm[z] = i
                }
            }
        }
        return Tensor(perm, shape: [n], dtype: dtype)
    }
    /// `rand` shaped like `other`. PyTorch: `torch.rand_like`.
    public static func randLike(_ other: Tensor, dtype: DType? = nil, generator: Generator? = nil, device: Device? = nil) -> Tensor {
        (device ?? other.device).require()
        return rand(other.shape, dtype: dtype ?? other.dtype, generator: generator)
    }
    /// `randn` shaped like `other`. PyTorch: `torch.randn_like`.
    public static func randnLike(_ other: Tensor, dtype: DType? = nil, generator: Generator? = nil, device: Device? = nil) -> Tensor {
        (device ?? other.device).require()
        return randn(other.shape, dtype: dtype ?? other.dtype, generator: generator)
    }
    /// `randint` shaped like `other`. PyTorch: `torch.randint_like`.
    public static func randintLike(_ other: Tensor, _ low: Int, _ high: Int, generator: Generator? = nil, device: Device? = nil) -> Tensor {
        (device ?? other.device).require()
        return randint(low, high, other.shape, dtype: other.dtype, generator: generator)
    }
}
