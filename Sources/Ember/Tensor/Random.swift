import Foundation

/// A seedable pseudo-random generator (xoshiro256**). PyTorch: `torch.Generator`.
/// Shared across threads behind a lock, as PyTorch's default generator is.
public final class Generator: @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var cachedNormal: Double?
    private let lock = NSLock()

    /// A generator seeded with `seed`.
    public init(seed: UInt64 = 67_280_421_310_721) { reseed(seed) }

    /// Reseeds the generator. PyTorch: `generator.manual_seed(seed)`.
    @discardableResult
    public func manualSeed(_ seed: UInt64) -> Generator {
        lock.lock(); defer { lock.unlock() }
        reseed(seed)
        return self
    }

    private func reseed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
        cachedNormal = nil
    }

    @inline(__always) private func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Runs `body` holding the lock; `body` draws with `uniform`, `normal` and `below`.
    func withLock<R>(_ body: (Generator) -> R) -> R {
        lock.lock(); defer { lock.unlock() }
        return body(self)
    }

    /// A uniform double in [0, 1) (call under the lock).
    func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal sample by Box-Muller (call under the lock).
    func normal() -> Double {
        if let c = cachedNormal { cachedNormal = nil; return c }
        var u1 = 0.0
        repeat { u1 = uniform() } while u1 == 0
        let u2 = uniform(), r = (-2 * Foundation.log(u1)).squareRoot()
        cachedNormal = r * Foundation.sin(2 * .pi * u2)
        return r * Foundation.cos(2 * .pi * u2)
    }

    /// A uniform integer in `0..<n` (call under the lock).
    func below(_ n: UInt64) -> UInt64 { next().multipliedFullWidth(by: n).high }
}

/// The generator random functions use when none is passed. PyTorch: `torch.default_generator`.
public let defaultGenerator = Generator()

/// Seeds the default generator. PyTorch: `torch.manual_seed`.
public func manualSeed(_ seed: UInt64) { defaultGenerator.manualSeed(seed) }

extension Tensor {
    private func fillRandom(_ generator: Generator?, _ draw: (Generator) -> Double) {
        check(isContiguous, "random fill expects a contiguous tensor")
        let values = (generator ?? defaultGenerator).withLock { g in (0..<numel).map { _ in draw(g) } }
        dtype.dispatch(FromDoubles(tensor: self, values: values))
    }

    private func inPlaceRandom(_ generator: Generator?, _ draw: (Generator) -> Double) -> Tensor {
        if isContiguous {
            fillRandom(generator, draw)
        } else {
            let tmp = Tensor(uninitializedShape: shape, dtype: dtype)
            tmp.fillRandom(generator, draw)
            copyElements(from: tmp, to: self)
        }
        bumpVersion()
        return self
    }

    /// Fills with samples from U(from, to). PyTorch: `tensor.uniform_`.
    @discardableResult
    public func uniform_(_ from: Double = 0, _ to: Double = 1, generator: Generator? = nil) -> Tensor {
        checkInPlaceOnLeaf()
        return inPlaceRandom(generator) { from + (to - from) * $0.uniform() }
    }

    /// Fills with samples from N(mean, std²). PyTorch: `tensor.normal_`.
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        checkInPlaceOnLeaf()
        return inPlaceRandom(generator) { mean + std * $0.normal() }
    }

    /// Fills with 1 with probability `p`, else 0. PyTorch: `tensor.bernoulli_(p)`.
    @discardableResult
    public func bernoulli_(_ p: Double = 0.5, generator: Generator? = nil) -> Tensor {
        checkInPlaceOnLeaf()
        return inPlaceRandom(generator) { $0.uniform() < p ? 1 : 0 }
    }

    /// Fills with integers uniformly from `low..<high`. PyTorch: `tensor.random_(low, high)`.
    @discardableResult
    public func random_(_ low: Int, _ high: Int, generator: Generator? = nil) -> Tensor {
        check(low < high, "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        checkInPlaceOnLeaf()
        let g = generator ?? defaultGenerator
        return inPlaceRandom(g) { Double(low + Int($0.below(UInt64(high - low)))) }
    }

    /// Samples from U[0, 1). PyTorch: `torch.rand`.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        let t = empty(shape, dtype: dtype)
        t.fillRandom(generator) { $0.uniform() }
        if requiresGrad { t.requiresGrad = true }
        return t
    }
    /// Samples from U[0, 1). PyTorch: `torch.rand(*size)`.
    public static func rand(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        rand(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }
    /// Samples from N(0, 1). PyTorch: `torch.randn`.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        normal(mean: 0, std: 1, shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }
    /// Samples from N(0, 1). PyTorch: `torch.randn(*size)`.
    public static func randn(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        randn(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }
    /// Samples from N(mean, std²). PyTorch: `torch.normal(mean, std, size)`.
    public static func normal(mean: Double = 0, std: Double = 1, _ shape: [Int], dtype: DType = .float32,
                              generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        let t = empty(shape, dtype: dtype)
        t.fillRandom(generator) { mean + std * $0.normal() }
        if requiresGrad { t.requiresGrad = true }
        return t
    }
    /// Samples from U(low, high). PyTorch: `torch.empty(size).uniform_(low, high)`.
    public static func uniform(_ low: Double, _ high: Double, _ shape: [Int], dtype: DType = .float32,
                               generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        let t = empty(shape, dtype: dtype)
        t.fillRandom(generator) { low + (high - low) * $0.uniform() }
        if requiresGrad { t.requiresGrad = true }
        return t
    }
    /// Integers uniformly from `low..<high`, int64. PyTorch: `torch.randint`.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        check(low < high, "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        let g = generator ?? defaultGenerator
        let t = empty(shape, dtype: dtype)
        t.fillRandom(g) { Double(low + Int($0.below(UInt64(high - low)))) }
        return t
    }
    /// Integers from `0..<high`. PyTorch: `torch.randint(high, size)`.
    public static func randint(_ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        randint(0, high, shape, dtype: dtype, generator: generator)
    }
    /// A random permutation of `0..<n`. PyTorch: `torch.randperm`.
    public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        let g = generator ?? defaultGenerator
        var perm = Array(0..<n)
        g.withLock { g in
            if n > 1 {
                for i in Swift.stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, Int(g.below(UInt64(i + 1)))) }
            }
        }
        return Tensor(perm, shape: [n], dtype: dtype)
    }
    /// `rand` shaped like `other`. PyTorch: `torch.rand_like`.
    public static func randLike(_ other: Tensor, dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        rand(other.shape, dtype: dtype ?? other.dtype, generator: generator)
    }
    /// `randn` shaped like `other`. PyTorch: `torch.randn_like`.
    public static func randnLike(_ other: Tensor, dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        randn(other.shape, dtype: dtype ?? other.dtype, generator: generator)
    }
    /// `randint` shaped like `other`. PyTorch: `torch.randint_like`.
    public static func randintLike(_ other: Tensor, _ low: Int, _ high: Int, generator: Generator? = nil) -> Tensor {
        randint(low, high, other.shape, dtype: other.dtype, generator: generator)
    }
}
