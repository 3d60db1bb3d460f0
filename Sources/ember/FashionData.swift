import Ember
import Foundation

/// Fashion-MNIST as the training command uses it: the training split is read first, the test
/// split on a background thread while training starts, and batches are made on demand from the
/// uint8 pixels (floats in [0, 1] as `ToTensor` makes them, resized bilinearly when the model
/// wants another size), so start-up does not wait for work the first step does not need.
final class FashionData: Sendable {
    let train: FashionMNIST
    /// Side of the images batches are made at.
    let size: Int
    private let test: Pending<Result<FashionMNIST, any Error>>

    init(root: String, size: Int) throws {
        train = try FashionMNIST(root: root, train: true)
        try Self.requireFashionMNISTSize(train, root, "training")
        self.size = size
        test = Pending { Result { () throws(any Error) in
            let split = try FashionMNIST(root: root, train: false)
            try Self.requireFashionMNISTSize(split, root, "test")
            return split
        } }
    }

    /// The test split, once read.
    func testSplit() throws -> FashionMNIST { try test.value.get() }

    /// Stops a run on IDX files of another image size, which the workloads' models cannot take.
    static func requireFashionMNISTSize(_ split: FashionMNIST, _ root: String, _ name: String) throws {
        let shape = split.images.shape
        guard shape[1] == 28 && shape[2] == 28 else {
            throw CommandError("--data '\(root)': the \(name) images are \(shape[1]) × \(shape[2]) pixels; Fashion-MNIST's are 28 × 28")
        }
    }

    /// The images at `indices` of `split` as float32 `[B, 1, size, size]` and their labels.
    static func batch(_ split: FashionMNIST, _ indices: Tensor, size: Int) -> (Tensor, Tensor) {
        // `ToTensor` on the `[B, 28, 28]` batch (read as B channels): `Float(v) / 255`, the values
        // of `to(.float32) / 255`, in one pass instead of two (5% of an MLP step).
        var x = ToTensor()(split.images.indexSelect(0, indices)).unsqueeze(1)
        if size != x.shape[2] { x = F.interpolate(x, size: [size, size], mode: "bilinear") }
        return (x, split.labels.indexSelect(0, indices))
    }

    /// The training batches, each epoch in the order of one `randperm` from the default generator
    /// (as torch_ref.py's `batches` shuffles, so a seed gives both the same order), built by
    /// `workers` background threads (none: on the training thread). The loader's own per-epoch
    /// draw comes from a generator of its own, leaving the default generator's stream to the
    /// shuffles.
    /// With a `sampler` (a rank's `DistributedSampler`), the batches are of its indices instead.
    func trainLoader(batchSize: Int, workers: Int, sampler: (any Sampler)? = nil) -> DataLoader<Positions, (Tensor, Tensor)> {
        let split = train, size = size
        return DataLoader(Positions(count: split.count), batchSize: batchSize,
                          sampler: sampler ?? RandomSampler(size: split.count, generator: defaultGenerator), numWorkers: workers,
                          collate: { Self.batch(split, Tensor($0), size: size) }, generator: Generator())
    }

    /// `split` in batches of `batchSize`, in order, each made when it is reached (10,000 test
    /// images at 224 × 224 are 2 GB as floats).
    static func batches(_ split: FashionMNIST, batchSize: Int, size: Int) -> some Sequence<(Tensor, Tensor)> {
        Swift.stride(from: 0, to: split.count, by: batchSize).lazy.map { start in
            batch(split, Tensor.arange(start, start + Swift.min(batchSize, split.count - start)), size: size)
        }
    }
}

/// The sample positions `0..<count` as a dataset, so a `DataLoader` hands each batch's indices
/// to a collate function that gathers whole batches at once.
struct Positions: Dataset {
    let count: Int
    subscript(index: Int) -> Int { index }
}

/// A value computed on a background thread; reading it waits until it is ready.
final class Pending<Value: Sendable>: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private var result: Value?

    init(_ work: @escaping @Sendable () -> Value) {
        Thread { [self] in
            result = work()
            ready.signal()
        }.start()
    }

    /// The value, once the thread has made it.
    var value: Value {
        ready.wait()
        defer { ready.signal() }
        return result!
    }
}
