/// A source of dataset indices for one epoch; each new iteration is a new epoch (random samplers
/// draw fresh indices from their generator). PyTorch: `torch.utils.data.Sampler`.
public protocol Sampler: Sequence, Sendable where Element == Int {
    /// The number of indices one epoch yields. PyTorch: `len(sampler)`.
    var count: Int { get }
}

/// `0, 1, ..., count - 1`. PyTorch: `torch.utils.data.SequentialSampler`.
public struct SequentialSampler: Sampler {
    public let count: Int

    /// Indices of a dataset of `count` samples, in order.
    public init(count: Int) { self.count = count }

    public func makeIterator() -> Range<Int>.Iterator { (0..<count).makeIterator() }
}

/// A random permutation of `0..<size` each epoch, or `numSamples` indices drawn with
/// replacement. PyTorch: `torch.utils.data.RandomSampler`.
public struct RandomSampler: Sampler {
    /// The number of samples in the dataset.
    public let size: Int
    /// Whether indices are drawn with replacement.
    public let replacement: Bool
    /// The generator drawn from; when nil, a fresh one each epoch (see `makeIterator`).
    public let generator: Generator?
    public let count: Int

    /// Samples a dataset of `size` samples. Without replacement `numSamples` may exceed `size`:
    /// whole permutations are concatenated, as PyTorch does.
    public init(size: Int, replacement: Bool = false, numSamples: Int? = nil, generator: Generator? = nil) {
        check((numSamples ?? 1) > 0, "num_samples should be a positive integer value, but got num_samples=\(numSamples ?? 0)")
        self.size = size
        self.replacement = replacement
        self.generator = generator
        count = numSamples ?? size
    }

    /// Without a generator, each epoch first seeds a fresh one from the default generator, as
    /// PyTorch does (so the default generator moves by one draw per epoch, not by the shuffle).
    public func makeIterator() -> IndexingIterator<[Int]> {
        let generator = generator ?? Ember.Generator(seed: Ember.Generator.current.withLock { $0.random64() } % (1 << 63))
        if size == 0 || count == 0 { return [].makeIterator() }
        if replacement { return Tensor.randint(size, [count], generator: generator).toInts().makeIterator() }
        var indices: [Int] = []
        indices.reserveCapacity(count)
        while indices.count < count {
            indices += Tensor.randperm(size, generator: generator).toInts().prefix(count - indices.count)
        }
        return indices.makeIterator()
    }
}

/// `numSamples` indices drawn with probability proportional to `weights` (which need not sum to
/// one). PyTorch: `torch.utils.data.WeightedRandomSampler`.
public struct WeightedRandomSampler: Sampler {
    /// The relative weight of each index.
    public let weights: [Double]
    /// Whether an index can be drawn more than once.
    public let replacement: Bool
    /// The generator drawn from; the default generator when nil.
    public let generator: Generator?
    public let count: Int

    /// Draws `numSamples` indices in `0..<weights.count`.
    public init(weights: [Double], numSamples: Int, replacement: Bool = true, generator: Generator? = nil) {
        check(numSamples > 0, "num_samples should be a positive integer value, but got num_samples=\(numSamples)")
        check(weights.allSatisfy { $0 >= 0 && $0.isFinite } && weights.contains { $0 > 0 },
              "invalid multinomial distribution (weights must be finite, non-negative, and not all zero)")
        check(replacement || numSamples <= weights.count,
              "cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        self.weights = weights
        self.replacement = replacement
        self.generator = generator
        count = numSamples
    }

    public func makeIterator() -> IndexingIterator<[Int]> {
        var w = weights
        let n = count, replacement = replacement
        let drawn = (generator ?? Ember.Generator.current).withLock { g in
            var out: [Int] = []
            out.reserveCapacity(n)
            var cumulative = prefixSums(w)
            for _ in 0..<n {
                let u = g.uniform() * cumulative.last!
                // The first index whose cumulative weight exceeds u.
                var lo = 0, hi = cumulative.count - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
                }
                out.append(lo)
                if !replacement {
                    w[lo] = 0
                    cumulative = prefixSums(w)
                }
            }
            return out
        }
        return drawn.makeIterator()
    }
}

private func prefixSums(_ w: [Double]) -> [Double] {
    var total = 0.0
    return w.map { total += $0; return total }
}

/// Groups the indices of `sampler` into lists of `batchSize`; the last, shorter one is dropped
/// when `dropLast`. PyTorch: `torch.utils.data.BatchSampler`.
public struct BatchSampler: Sequence, Sendable {
    /// Where the indices come from.
    public let sampler: any Sampler
    /// Indices per batch.
    public let batchSize: Int
    /// Whether an incomplete last batch is dropped.
    public let dropLast: Bool

    /// Batches of `batchSize` indices from `sampler`.
    public init(_ sampler: any Sampler, batchSize: Int, dropLast: Bool) {
        check(batchSize > 0, "batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        self.sampler = sampler
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    /// The number of batches per epoch. PyTorch: `len(batch_sampler)`.
    public var count: Int {
        let n = sampler.count
        return dropLast || n % batchSize == 0 ? n / batchSize : n / batchSize + 1
    }

    public func makeIterator() -> IndexingIterator<[[Int]]> {
        var batches: [[Int]] = [], current: [Int] = []
        current.reserveCapacity(Swift.min(batchSize, sampler.count))
        for i in sampler {
            current.append(i)
            if current.count == batchSize { batches.append(current); current.removeAll(keepingCapacity: true) }
        }
        if !current.isEmpty && !dropLast { batches.append(current) }
        return batches.makeIterator()
    }
}
