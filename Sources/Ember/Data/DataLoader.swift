/// Batches of samples from a dataset, in the order a batch sampler gives, optionally built ahead
/// of time by background threads. Each `for` loop over the loader is one epoch. PyTorch:
/// `torch.utils.data.DataLoader`.
///
/// The batches of an epoch do not depend on `numWorkers`: the index lists are drawn up front on
/// the iterating thread, workers build the batches for fixed positions in that list, and the
/// iterator yields them in order.
public struct DataLoader<D: Dataset, Batch: Sendable>: Sequence, Sendable {
    /// The dataset read from.
    public let dataset: D
    /// The index lists of each batch.
    public let batchSampler: BatchSampler
    /// Background threads building batches; 0 builds them on the iterating thread.
    public let numWorkers: Int
    /// Batches each worker builds ahead of the one being consumed.
    public let prefetchFactor: Int
    /// Merges the samples of one batch. PyTorch: `collate_fn`.
    public let collate: @Sendable ([D.Sample]) -> Batch

    /// A loader over `dataset`. Indices come from `sampler` when given, else from a
    /// `RandomSampler` using `generator` when `shuffle`, else in order; they are grouped by
    /// `batchSize` (dropping a short last batch when `dropLast`), unless a whole `batchSampler`
    /// is given instead.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: BatchSampler? = nil, numWorkers: Int = 0,
                collate: @escaping @Sendable ([D.Sample]) -> Batch, dropLast: Bool = false,
                generator: Generator? = nil, prefetchFactor: Int = 2) {
        check(numWorkers >= 0, "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        check(prefetchFactor > 0, "prefetch_factor option should be a positive integer, but got \(prefetchFactor)")
        check(sampler == nil || !shuffle, "sampler option is mutually exclusive with shuffle")
        if let batchSampler {
            check(batchSize == 1 && !shuffle && sampler == nil && !dropLast,
                  "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            self.batchSampler = batchSampler
        } else {
            let indices: any Sampler = sampler
                ?? (shuffle ? RandomSampler(size: dataset.count, generator: generator) : SequentialSampler(count: dataset.count))
            self.batchSampler = BatchSampler(indices, batchSize: batchSize, dropLast: dropLast)
        }
        self.dataset = dataset
        self.numWorkers = numWorkers
        self.prefetchFactor = prefetchFactor
        self.collate = collate
    }

    /// The number of batches per epoch. PyTorch: `len(loader)`.
    public var count: Int { batchSampler.count }

    /// Starts an epoch: draws its batches' indices and, with workers, starts them.
    public func makeIterator() -> DataLoaderIterator<Batch> {
        let batches = Array(batchSampler)
        let dataset = dataset, collate = collate
        let build: @Sendable (Int) -> Batch = { k in collate(batches[k].map { dataset[$0] }) }
        if numWorkers == 0 { return DataLoaderIterator(count: batches.count, build: build) }
        let workers = BatchWorkers(count: batches.count, threads: numWorkers,
                                   ahead: numWorkers * prefetchFactor, build: build)
        return DataLoaderIterator(workers: workers)
    }
}

extension DataLoader where D.Sample == (Tensor, Tensor), Batch == (Tensor, Tensor) {
    /// A loader of (input, target) pairs stacked by `defaultCollate`.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: BatchSampler? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: { defaultCollate($0) }, dropLast: dropLast,
                  generator: generator, prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D.Sample == Tensor, Batch == Tensor {
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

/// The batches of one epoch, in order. Breaking out of the loop early stops its workers.
public struct DataLoaderIterator<Batch: Sendable>: IteratorProtocol {
    private var position = 0
    private let count: Int
    private let build: (@Sendable (Int) -> Batch)?
    private let workers: BatchWorkers<Batch>?

    init(count: Int, build: @escaping @Sendable (Int) -> Batch) {
        self.count = count
        self.build = build
        workers = nil
    }

    init(workers: BatchWorkers<Batch>) {
        count = workers.count
        build = nil
        self.workers = workers
    }

    public mutating func next() -> Batch? {
        guard position < count else { return nil }
        defer { position += 1 }
        if let workers { return workers.take(position) }
        return build!(position)
    }
}
