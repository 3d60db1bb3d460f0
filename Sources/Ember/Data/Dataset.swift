/// What a `DataLoader` reads samples from: a map-style `Dataset` or a stream-style
/// `IterableDataset`. PyTorch: `torch.utils.data.Dataset`, the base class of both kinds.
///
/// Sources are `Sendable` because `DataLoader` workers read them from background threads.
public protocol DataSource<Sample>: Sendable {
    /// What one read returns, for example `(Tensor, Tensor)` for an input and its label.
    associatedtype Sample
}

/// A finite collection of samples read by position. PyTorch: `torch.utils.data.Dataset` (a
/// map-style dataset: `__len__` and `__getitem__`).
///
/// A dataset must allow concurrent reads of different samples: `DataLoader` workers read it
/// from several threads at once.
public protocol Dataset<Sample>: DataSource {
    // Restated so that conforming types can leave it to be inferred from their subscript.
    associatedtype Sample
    /// The number of samples. PyTorch: `len(dataset)`.
    var count: Int { get }
    /// The sample at `index`, in `0..<count`. PyTorch: `dataset[index]`.
    subscript(index: Int) -> Sample { get }
}

/// Inputs and targets indexed along their first dimension. PyTorch:
/// `torch.utils.data.TensorDataset(data, targets)`.
public struct TensorDataset: Dataset {
    /// The inputs, one sample per row.
    public let data: Tensor
    /// The targets, one per row of `data`.
    public let targets: Tensor

    /// Pairs `data[i]` with `targets[i]`; both must have the same first dimension.
    public init(_ data: Tensor, _ targets: Tensor) {
        check(data.dim > 0 && targets.dim > 0 && data.shape[0] == targets.shape[0],
              "Size mismatch between tensors: \(shapeString(data.shape)) and \(shapeString(targets.shape))")
        self.data = data
        self.targets = targets
    }

    public var count: Int { data.shape[0] }

    public subscript(index: Int) -> (Tensor, Tensor) { (data.select(0, index), targets.select(0, index)) }
}

/// The samples of `dataset` at `indices`, in that order. PyTorch: `torch.utils.data.Subset`.
public struct Subset<Base: Dataset>: Dataset {
    /// The dataset read from.
    public let dataset: Base
    /// Positions in `dataset`.
    public let indices: [Int]

    /// A view of `dataset` restricted to `indices`.
    public init(_ dataset: Base, indices: [Int]) {
        for i in indices {
            check(i >= 0 && i < dataset.count, "Subset: index \(i) is out of range for a dataset of \(dataset.count) samples")
        }
        self.dataset = dataset
        self.indices = indices
    }

    public var count: Int { indices.count }

    public subscript(index: Int) -> Base.Sample { dataset[indices[index]] }
}

/// Datasets read one after the other. PyTorch: `torch.utils.data.ConcatDataset`.
public struct ConcatDataset<Base: Dataset>: Dataset {
    /// The parts, in order.
    public let datasets: [Base]
    /// `cumulativeSizes[k]` is the number of samples in `datasets[0...k]`. PyTorch: `cumulative_sizes`.
    public let cumulativeSizes: [Int]

    /// Concatenates `datasets`, which must not be empty.
    public init(_ datasets: [Base]) {
        check(!datasets.isEmpty, "datasets should not be an empty iterable")
        self.datasets = datasets
        var total = 0
        cumulativeSizes = datasets.map { total += $0.count; return total }
    }

    public var count: Int { cumulativeSizes.last! }

    public subscript(index: Int) -> Base.Sample {
        check(index >= -count && index < count, "absolute value of index should not exceed dataset length")
        let i = index < 0 ? index + count : index
        // The first part whose cumulative size exceeds `i` (PyTorch's `bisect_right`).
        var lo = 0, hi = cumulativeSizes.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeSizes[mid] > i { hi = mid } else { lo = mid + 1 }
        }
        return datasets[lo][i - (lo == 0 ? 0 : cumulativeSizes[lo - 1])]
    }
}

/// Splits `dataset` into non-overlapping random subsets of the given `lengths`, which must add
/// up to `dataset.count`. PyTorch: `torch.utils.data.random_split(dataset, lengths, generator)`.
public func randomSplit<D: Dataset>(_ dataset: D, lengths: [Int], generator: Generator? = nil) -> [Subset<D>] {
    check(lengths.reduce(0, +) == dataset.count,
          "Sum of input lengths does not equal the length of the input dataset!")
    let perm = Tensor.randperm(dataset.count, generator: generator).toInts()
    var offset = 0
    return lengths.map { n in
        defer { offset += n }
        return Subset(dataset, indices: Array(perm[offset..<offset + n]))
    }
}

/// Splits `dataset` by fractions that add up to 1: each part gets `floor(count * fraction)`
/// samples and the remainder goes one by one to the first parts, as PyTorch does.
/// PyTorch: `torch.utils.data.random_split(dataset, [0.8, 0.2], generator)`.
public func randomSplit<D: Dataset>(_ dataset: D, fractions: [Double], generator: Generator? = nil) -> [Subset<D>] {
    check(abs(fractions.reduce(0, +) - 1) < 1e-9 && fractions.allSatisfy { $0 >= 0 && $0 <= 1 },
          "Fractions must be between 0 and 1 and add up to 1")
    var lengths = fractions.map { Int((Double(dataset.count) * $0).rounded(.down)) }
    let remainder = dataset.count - lengths.reduce(0, +)
    for i in 0..<remainder { lengths[i % lengths.count] += 1 }
    return randomSplit(dataset, lengths: lengths, generator: generator)
}
