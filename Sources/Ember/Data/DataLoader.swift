/// Batches of samples from a dataset, optionally built ahead of time by background threads.
/// Each `for` loop over the loader is one epoch. PyTorch: `torch.utils.data.DataLoader`.
///
/// A map-style `Dataset` is read in the order a batch sampler gives; an `IterableDataset` is read
/// front to back (see its initializer). Either way the batches of an epoch do not depend on
/// `numWorkers`, random transforms included: a worker building batch `k` draws what it draws
/// without a generator from one seeded with the epoch's base seed + `k` (the stream reader from
/// one seeded with the base seed). PyTorch seeds each worker process with base seed + worker id,
/// so its augmentations change with the number of workers. With no workers, samples draw from
/// the default generator, as in PyTorch.
public struct DataLoader<D: DataSource, Batch: Sendable>: Sequence, Sendable {
    /// The dataset read from.
    public let dataset: D
    /// Background threads building batches (one reads an `IterableDataset`, however many are
    /// asked for); 0 builds them on the iterating thread.
    public let numWorkers: Int
    /// Batches each worker builds ahead of the one being consumed.
    public let prefetchFactor: Int
    /// Merges the samples of one batch. PyTorch: `collate_fn`.
    public let collate: @Sendable ([D.Sample]) -> Batch
    /// The index lists of a map-style dataset's batches; nil for an `IterableDataset`.
    private let indexBatches: BatchSampler?
    /// The generator each epoch draws its base seed from; the default generator when nil.
    /// PyTorch: `loader.generator`.
    public let generator: Generator?
    /// Starts an epoch from its base seed; made by the initializer of each kind of dataset, which
    /// knows how to read it.
    private let epoch: @Sendable (UInt64) -> DataLoaderIterator<Batch>

    /// The checks and fields every kind of dataset shares.
    init(dataset: D, numWorkers: Int, prefetchFactor: Int, collate: @escaping @Sendable ([D.Sample]) -> Batch,
         indexBatches: BatchSampler?, generator: Generator?, epoch: @escaping @Sendable (UInt64) -> DataLoaderIterator<Batch>) {
        check(numWorkers >= 0, "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        check(prefetchFactor > 0, "prefetch_factor option should be a positive integer, but got \(prefetchFactor)")
        self.dataset = dataset
        self.numWorkers = numWorkers
        self.prefetchFactor = prefetchFactor
        self.collate = collate
        self.indexBatches = indexBatches
        self.generator = generator
        self.epoch = epoch
    }

    /// Starts an epoch: with workers, starts them. First draws the workers' 64-bit base seed
    /// from `generator`, as PyTorch's loader iterator does (with or without workers), so a
    /// seeded program draws the same shuffles and initial weights in both.
    public func makeIterator() -> DataLoaderIterator<Batch> {
        epoch((generator ?? Ember.Generator.current).withLock { $0.random64() })
    }
}

extension DataLoader where D: Dataset {
    /// A loader over `dataset`. Indices come from `sampler` when given, else from a
    /// `RandomSampler` using `generator` when `shuffle`, else in order; they are grouped by
    /// `batchSize` (dropping a short last batch when `dropLast`), unless a whole `batchSampler`
    /// is given instead.
    ///
    /// The index lists of an epoch are drawn up front on the iterating thread; workers build the
    /// batches for fixed positions in that list, and the iterator yields them in order.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: BatchSampler? = nil, numWorkers: Int = 0,
                collate: @escaping @Sendable ([D.Sample]) -> Batch, dropLast: Bool = false,
                generator: Generator? = nil, prefetchFactor: Int = 2) {
        check(sampler == nil || !shuffle, "sampler option is mutually exclusive with shuffle")
        let indexBatches: BatchSampler
        if let batchSampler {
            check(batchSize == 1 && !shuffle && sampler == nil && !dropLast,
                  "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            indexBatches = batchSampler
        } else {
            let indices: any Sampler = sampler
                ?? (shuffle ? RandomSampler(size: dataset.count, generator: generator) : SequentialSampler(count: dataset.count))
            indexBatches = BatchSampler(indices, batchSize: batchSize, dropLast: dropLast)
        }
        self.init(dataset: dataset, numWorkers: numWorkers, prefetchFactor: prefetchFactor, collate: collate,
                  indexBatches: indexBatches, generator: generator) { baseSeed in
            let batches = Array(indexBatches)
            let build: @Sendable (Int) -> Batch = { k in collate(batches[k].map { dataset[$0] }) }
            if numWorkers == 0 { return DataLoaderIterator(AnyIterator(batches.indices.lazy.map(build).makeIterator())) }
            // Worker threads end with the epoch, and their generators with them.
            let workers = BatchWorkers(count: batches.count, threads: numWorkers, ahead: numWorkers * prefetchFactor) { k in
                ThreadState.current.generator = Ember.Generator(seed: baseSeed &+ UInt64(k))
                return build(k)
            }
            return DataLoaderIterator(AnyIterator(batches.indices.lazy.map { workers.take($0) }.makeIterator()))
        }
    }

    /// The index lists of each batch.
    public var batchSampler: BatchSampler { indexBatches! }

    /// The number of batches per epoch. PyTorch: `len(loader)`.
    public var count: Int { indexBatches!.count }
}

extension DataLoader where D: Dataset, D.Sample == (Tensor, Tensor), Batch == (Tensor, Tensor) {
    /// A loader of (input, target) pairs stacked by `defaultCollate`.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: BatchSampler? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: { defaultCollate($0) }, dropLast: dropLast,
                  generator: generator, prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D: Dataset, D.Sample == Tensor, Batch == Tensor {
    /// A loader of single tensors stacked by `defaultCollate`.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: BatchSampler? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: { defaultCollate($0) }, dropLast: dropLast,
                  generator: generator, prefetchFactor: prefetchFactor)
    }
}

/// Stacks samples along a new first dimension. PyTorch: `torch.utils.data.default_collate`.
public func defaultCollate(_ samples: [Tensor]) -> Tensor { Tensor.stack(samples) }

/// Stacks the inputs and the targets of (input, target) pairs separately. PyTorch:
/// `torch.utils.data.default_collate`.
public func defaultCollate(_ samples: [(Tensor, Tensor)]) -> (Tensor, Tensor) {
    (Tensor.stack(samples.map(\.0)), Tensor.stack(samples.map(\.1)))
}

/// The batches of one epoch, in order. Breaking out of the loop early stops its workers: they
/// belong to the iterator and stop after their current batch once it is gone.
public struct DataLoaderIterator<Batch: Sendable>: IteratorProtocol {
    private let batches: AnyIterator<Batch>

    init(_ batches: AnyIterator<Batch>) { self.batches = batches }

    public mutating func next() -> Batch? { batches.next() }
}
