import Synchronization

/// The part of a dataset one rank reads in data-parallel training: the indices (shuffled with
/// `seed + epoch` when `shuffle`) padded by repeating from the start to a multiple of
/// `numReplicas`, or cut to one with `dropLast`, of which rank r takes every `numReplicas`-th
/// from the r-th. Call `setEpoch` before each epoch so that every rank shuffles alike and
/// differently each epoch. A class, so that the loader holding it sees `setEpoch`.
/// PyTorch: `torch.utils.data.distributed.DistributedSampler`.
///
/// ```swift
/// let sampler = DistributedSampler(size: dataset.count)   // rank and replicas from the group
/// let loader = DataLoader(dataset, batchSize: 64, sampler: sampler)
/// for epoch in 0..<epochs { sampler.setEpoch(epoch); for (x, y) in loader { ... } }
/// ```
public final class DistributedSampler: Sampler {
    /// The number of samples in the dataset.
    public let size: Int
    /// The number of ranks the dataset is split between, and this one.
    public let numReplicas: Int, rank: Int
    /// Whether each epoch reads a permutation (drawn from `seed + epoch`).
    public let shuffle: Bool
    /// The shuffles' base seed: epoch e draws its permutation from `seed + e`, the same on every rank.
    public let seed: UInt64
    /// Whether the tail that does not split evenly is dropped (else indices repeat to fill it).
    public let dropLast: Bool
    /// The indices each rank reads per epoch. PyTorch: `len(sampler)`.
    public let count: Int
    private let epoch = Atomic<Int>(0)

    /// A sampler of a dataset of `size` samples for rank `rank` of `numReplicas` (by default
    /// the default process group's rank and world size).
    public init(size: Int, numReplicas: Int? = nil, rank: Int? = nil, shuffle: Bool = true, seed: UInt64 = 0,
                dropLast: Bool = false) {
        let replicas = numReplicas ?? Distributed.worldSize, rank = rank ?? Distributed.rank
        check(replicas > 0, "DistributedSampler: num_replicas must be positive, got \(replicas)")
        check((0..<replicas).contains(rank), "Invalid rank \(rank), rank should be in the interval [0, \(replicas - 1)]")
        check(size >= 0, "DistributedSampler: the dataset size must be ≥ 0, got \(size)")
        (self.size, self.numReplicas, self.rank, self.shuffle, self.seed, self.dropLast) = (size, replicas, rank, shuffle, seed, dropLast)
        // PyTorch: ceil((len - replicas) / replicas) when the tail is dropped, else ceil(len / replicas).
        count = dropLast && size % replicas != 0 ? (size - replicas + replicas - 1) / replicas : (size + replicas - 1) / replicas
    }

    /// Sets the epoch whose shuffle the next iteration draws. PyTorch: `sampler.set_epoch(epoch)`.
    public func setEpoch(_ epoch: Int) { self.epoch.store(epoch, ordering: .relaxed) }

    /// This rank's indices for the current epoch.
    public func makeIterator() -> IndexingIterator<[Int]> {
        let total = count * numReplicas
        var indices = shuffle
            ? Tensor.randperm(size, generator: Ember.Generator(seed: seed &+ UInt64(truncatingIfNeeded: epoch.load(ordering: .relaxed)))).toInts()
            : Array(0..<size)
        if indices.isEmpty { return [].makeIterator() }
        if dropLast {
            indices = Array(indices.prefix(total))
        } else {
            let padding = total - indices.count
            indices += (0..<padding).map { indices[$0 % indices.count] }
        }
        return Swift.stride(from: rank, to: total, by: numReplicas).map { indices[$0] }.makeIterator()
    }
}
