/// A stream of samples, read front to back: no count, no indexing. Each `makeIterator()` starts
/// a new pass (one epoch of a `DataLoader`). PyTorch: `torch.utils.data.IterableDataset` (its
/// `__iter__`).
///
/// A `DataLoader` with workers makes and drains the iterator on its background thread, so the
/// iterator itself need not be `Sendable`.
public protocol IterableDataset<Sample>: DataSource, Sequence where Element == Sample {}

extension DataLoader where D: IterableDataset {
    /// A loader over a stream: batches of `batchSize` consecutive samples, the last, shorter one
    /// dropped when `dropLast`. A stream has no indices to reorder, so `shuffle` and `sampler`
    /// must stay unspecified, as PyTorch requires.
    ///
    /// With `numWorkers > 0`, one background thread reads the stream and keeps up to
    /// `numWorkers * prefetchFactor` batches ready (as many as PyTorch's workers would hold
    /// together). PyTorch instead gives each worker its own copy of the stream, which repeats
    /// every sample unless the dataset splits itself by `get_worker_info()`; one reader keeps
    /// the batches, and their order, those of `numWorkers: 0`.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                numWorkers: Int = 0, collate: @escaping @Sendable ([D.Sample]) -> Batch,
                dropLast: Bool = false, prefetchFactor: Int = 2) {
        check(!shuffle, "DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True")
        check(sampler == nil,
              "DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=\(sampler.map { "\($0)" } ?? "")")
        check(batchSize > 0, "batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        self.init(dataset: dataset, numWorkers: numWorkers, prefetchFactor: prefetchFactor, collate: collate,
                  indexBatches: nil, generator: nil) { baseSeed in
            let batches: @Sendable () -> StreamBatches<D.Iterator, Batch> = {
                StreamBatches(dataset.makeIterator(), batchSize: batchSize, dropLast: dropLast, collate: collate)
            }
            if numWorkers == 0 { return DataLoaderIterator(AnyIterator(batches())) }
            // The reader thread ends with the pass, and its generator with it (see DataLoader).
            let prefetcher = StreamPrefetcher(ahead: numWorkers * prefetchFactor) {
                ThreadState.current.generator = Ember.Generator(seed: baseSeed)
                return AnyIterator(batches())
            }
            return DataLoaderIterator(AnyIterator { prefetcher.next() })
        }
    }
}

extension DataLoader where D: IterableDataset, D.Sample == (Tensor, Tensor), Batch == (Tensor, Tensor) {
    /// A loader of (input, target) pairs from a stream, stacked by `defaultCollate`.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                numWorkers: Int = 0, dropLast: Bool = false, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, numWorkers: numWorkers,
                  collate: { defaultCollate($0) }, dropLast: dropLast, prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D: IterableDataset, D.Sample == Tensor, Batch == Tensor {
    /// A loader of single tensors from a stream, stacked by `defaultCollate`.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                numWorkers: Int = 0, dropLast: Bool = false, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, numWorkers: numWorkers,
                  collate: { defaultCollate($0) }, dropLast: dropLast, prefetchFactor: prefetchFactor)
    }
}

/// The batches of one pass over a stream: `batchSize` samples at a time, collated; a shorter
/// last batch unless `dropLast`.
struct StreamBatches<Samples: IteratorProtocol, Batch>: IteratorProtocol {
    private var samples: Samples
    private var exhausted = false
    let batchSize: Int, dropLast: Bool
    let collate: ([Samples.Element]) -> Batch

    init(_ samples: Samples, batchSize: Int, dropLast: Bool, collate: @escaping ([Samples.Element]) -> Batch) {
        self.samples = samples
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.collate = collate
    }

    mutating func next() -> Batch? {
        var batch: [Samples.Element] = []
        batch.reserveCapacity(Swift.min(batchSize, 1 << 16))
        // An iterator that has returned nil is not asked again: not every iterator keeps returning nil.
        while !exhausted && batch.count < batchSize {
            if let sample = samples.next() { batch.append(sample) } else { exhausted = true }
        }
        if batch.isEmpty || (dropLast && batch.count < batchSize) { return nil }
        return collate(batch)
    }
}
