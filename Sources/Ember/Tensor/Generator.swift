import Foundation

/// A seedable pseudo-random generator that draws what PyTorch's CPU generator draws: the same
/// Mersenne Twister (MT19937), seeded the same way, and the same conversions to floats and
/// integers, so `manualSeed(0); Tensor.rand(5)` equals `torch.manual_seed(0); torch.rand(5)`
/// bit for bit (tested against fixtures from PyTorch 2.15). PyTorch: `torch.Generator`.
/// Shared across threads behind a lock, as PyTorch's default generator is.
public final class Generator: @unchecked Sendable {
    private static let n = 624, m = 397
    /// The 624 state words, the number of words left before the next twist, and the next word.
    private var words = [UInt32](repeating: 0, count: Generator.n)
    private var left = 1, next = 0
    /// The seed last set. PyTorch: `generator.initial_seed()`.
    public private(set) var initialSeed: UInt64 = 0
    /// The second value of the last Box-Muller pair of `normal()`, served by the next call.
    private var cachedNormal: Double?
    private let lock = NSLock()

    /// PyTorch's default seed, used until `manualSeed` is called.
    public static let defaultSeed: UInt64 = 67_280_421_310_721

    /// A generator seeded with `seed`.
    public init(seed: UInt64 = Generator.defaultSeed) { reseed(seed) }

    /// Reseeds the generator; only the low 32 bits of `seed` reach the engine, as in PyTorch.
    /// PyTorch: `generator.manual_seed(seed)`.
    @discardableResult
    public func manualSeed(_ seed: UInt64) -> Generator {
        lock.lock(); defer { lock.unlock() }
        reseed(seed)
        return self
    }

    private func reseed(_ seed: UInt64) {
        initialSeed = seed
        words[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.n {
            let p = words[j - 1]
            words[j] = 1_812_433_253 &* (p ^ (p >> 30)) &+ UInt32(j)
        }
        left = 1
        next = 0
        cachedNormal = nil
    }

    private func twist() {
        words.withUnsafeMutableBufferPointer { s in
            let n = Self.n
            for k in 0..<n {
                let y = (s[k] & 0x8000_0000) | (s[(k + 1) % n] & 0x7FFF_FFFF)
                s[k] = s[(k + Self.m) % n] ^ (y >> 1) ^ (s[(k + 1) % n] & 1 == 0 ? 0 : 0x9908_B0DF)
            }
        }
        left = Self.n
        next = 0
    }

    /// The next 32 random bits (call under the lock). PyTorch: `CPUGeneratorImpl::random()`.
    @inline(__always) func random32() -> UInt32 {
        left -= 1
        if left == 0 { twist() }
        var y = words[next]
        next += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `count` successive `random32()` values into `out`, a whole run of state words at a time
    /// (call under the lock). Building a model draws tens of millions of values; this is the same
    /// stream without a property access per word.
    func random32(into out: UnsafeMutablePointer<UInt32>, count: Int) {
        var done = 0
        while done < count {
            if left == 1 {
                twist()
                left = Self.n + 1
            }
            let take = Swift.min(left - 1, count - done), start = next
            words.withUnsafeBufferPointer { s in
                for k in 0..<take {
                    var y = s[start + k]
                    y ^= y >> 11
                    y ^= (y << 7) & 0x9D2C_5680
                    y ^= (y << 15) & 0xEFC6_0000
                    y ^= y >> 18
                    out[done + k] = y
                }
            }
            left -= take
            next += take
            done += take
        }
    }

    /// `count` successive `uniformFloat(from, to)` values into `out` (call under the lock).
    func uniformFloats(into out: UnsafeMutablePointer<Float>, count: Int, _ from: Double, _ to: Double) {
        let a = Float(from), width = Float(to) - a
        out.withMemoryRebound(to: UInt32.self, capacity: count) { bits in
            random32(into: bits, count: count)
            for i in 0..<count { bits[i] = a.addingProduct(Float(bits[i] & 0xFF_FFFF) * 0x1p-24, width).bitPattern }
        }
    }

    /// 64 random bits, the first draw high (call under the lock). PyTorch: `random64()`.
    @inline(__always) func random64() -> UInt64 {
        let hi = UInt64(random32())
        return hi << 32 | UInt64(random32())
    }

    /// Runs `body` holding the lock; `body` draws with the methods below.
    func withLock<R>(_ body: (Generator) -> R) -> R {
        lock.lock(); defer { lock.unlock() }
        return body(self)
    }

    /// A uniform float in [0, 1) from 24 random bits, as PyTorch draws float32 values (call under the lock).
    @inline(__always) func uniformFloat() -> Float { Float(random32() & 0xFF_FFFF) * 0x1p-24 }

    /// A uniform float in [from, to): `from + u * (to - from)` fused in float32, as PyTorch's
    /// `uniform_` on a float32 tensor (call under the lock).
    @inline(__always) func uniformFloat(_ from: Double, _ to: Double) -> Float {
        let a = Float(from)
        return a.addingProduct(uniformFloat(), Float(to) - a)
    }

    /// A uniform double in [0, 1) from 53 random bits, as PyTorch draws float64 values (call under the lock).
    @inline(__always) func uniform() -> Double { Double(random64() & (1 << 53 - 1)) * 0x1p-53 }

    /// A standard normal sample by Box-Muller, the pair's second value kept for the next call, as
    /// PyTorch's `normal_distribution<double>` (call under the lock).
    func normal() -> Double {
        if let c = cachedNormal { cachedNormal = nil; return c }
        let u1 = uniform(), u2 = uniform()
        let radius = (-2 * Foundation.log1p(-u2)).squareRoot(), theta = 2 * Double.pi * u1
        cachedNormal = radius * Foundation.sin(theta)
        return radius * Foundation.cos(theta)
    }

    /// A uniform integer in `0..<n`: 32 random bits modulo `n` below 2²⁸, else 64, as PyTorch's
    /// `random_(from, to)` (call under the lock).
    func below(_ n: UInt64) -> UInt64 { (n >= 1 << 28 ? random64() : UInt64(random32())) % n }

    /// The generator's whole state as PyTorch lays it out (5056 bytes, uint8), so it can be saved
    /// and restored, also across the two frameworks. PyTorch: `generator.get_state()`.
    public func getState() -> Tensor {
        lock.lock(); defer { lock.unlock() }
        var bytes = [UInt8](repeating: 0, count: Self.stateSize)
        func put<T: FixedWidthInteger>(_ v: T, at offset: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { bytes[offset + i] = b } }
        }
        put(initialSeed, at: 0)
        put(Int32(left), at: 8)
        put(Int32(1), at: 12)
        put(UInt64(next), at: 16)
        for (i, w) in words.enumerated() { put(UInt64(w), at: 24 + 8 * i) }
        if let c = cachedNormal {
            put(c.bitPattern, at: 5024)
            put(Int32(1), at: 5040)
        }
        return Tensor(bytes.map { Int($0) }, shape: [Self.stateSize], dtype: .uint8)
    }

    /// Restores a state from `getState()` (or PyTorch's `get_rng_state()`).
    /// PyTorch: `generator.set_state(state)`.
    public func setState(_ state: Tensor) {
        if let problem = Self.stateProblem(state) { check(false, problem) }
        let get = Self.reader(state)
        let newLeft = Int(get(Int32.self, 8)), newNext = Int(get(UInt64.self, 16))
        lock.lock(); defer { lock.unlock() }
        initialSeed = get(UInt64.self, 0)
        left = newLeft
        next = newNext
        for i in 0..<Self.n { words[i] = UInt32(truncatingIfNeeded: get(UInt64.self, 24 + 8 * i)) }
        cachedNormal = get(Int32.self, 5040) != 0 ? Double(bitPattern: get(UInt64.self, 5024)) : nil
    }

    /// Why `state` is not a state `setState` accepts (in PyTorch's words), or nil when it is one:
    /// for checking a state read from outside (a checkpoint) before restoring it.
    public static func stateProblem(_ state: Tensor) -> String? {
        guard state.dtype == .uint8 && state.shape == [stateSize] else {
            return "Expected either a THGeneratorState of size \(stateSize) or a CPUGeneratorImplState of size \(stateSize) but found the input RNG state size to be \(state.numel)"
        }
        let get = reader(state)
        let left = Int(get(Int32.self, 8)), next = get(UInt64.self, 16)
        guard get(Int32.self, 12) == 1 && left > 0 && left <= n && next <= UInt64(n) else { return "Invalid mt19937 state" }
        return nil
    }

    /// Reads little-endian integers from the bytes of a state tensor.
    private static func reader(_ state: Tensor) -> (any FixedWidthInteger.Type, Int) -> UInt64 {
        let bytes = state.contiguous().toInts().map { UInt8($0) }
        return { type, offset in
            (0..<type.bitWidth / 8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
        }
    }

    /// Bytes of a state tensor.
    private static let stateSize = 5056
}

/// The generator random functions use when none is passed, except on `DataLoader` worker
/// threads, which draw from their batch's generator (see `DataLoader`). PyTorch:
/// `torch.default_generator`.
public let defaultGenerator = Generator()

extension Generator {
    /// What a random function given no generator draws from on the calling thread: the default
    /// generator, or on a `DataLoader` worker its batch's (as each PyTorch worker process has a
    /// default generator of its own).
    static var current: Generator { ThreadState.current.generator ?? defaultGenerator }
}

/// Seeds the calling thread's default generator (`defaultGenerator` but on DataLoader workers).
/// PyTorch: `torch.manual_seed`.
public func manualSeed(_ seed: UInt64) { Generator.current.manualSeed(seed) }

/// The calling thread's default generator's state. PyTorch: `torch.get_rng_state`.
public func getRngState() -> Tensor { Generator.current.getState() }

/// Restores the calling thread's default generator's state. PyTorch: `torch.set_rng_state`.
public func setRngState(_ state: Tensor) { Generator.current.setState(state) }
