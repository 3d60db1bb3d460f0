/// Data-parallel training of `module`: each rank runs the model on its own part of the batch,
/// and backward leaves in every rank's `.grad` the average of all ranks' gradients, so that one
/// optimizer step keeps the replicas equal. At construction rank 0's parameters and buffers
/// are copied to every rank, after checking that every rank built the same model. The
/// gradients are averaged in buckets while backward runs (see `GradientReducer`); buffers
/// (batch-norm statistics) follow rank 0 at each forward pass. State-dict keys are the module's
/// behind `module.`, as PyTorch's. PyTorch: `torch.nn.parallel.DistributedDataParallel`.
///
/// ```swift
/// try Distributed.initProcessGroup()
/// let model = try DistributedDataParallel(LeNet())
/// let optimizer = SGD(model.parameters(), lr: 0.1)
/// for (x, y) in loader {            // a DataLoader with a DistributedSampler
///     optimizer.zeroGrad()
///     crossEntropy(model(x), y).backward()   // averaged across ranks here
///     optimizer.step()
/// }
/// ```
public final class DistributedDataParallel: Module {
    /// The wrapped model. PyTorch: `ddp.module`.
    public let module: Module
    /// Whether buffers are copied from rank 0 before each forward pass (PyTorch's
    /// `broadcast_buffers`).
    public let broadcastBuffers: Bool
    private let reducer: GradientReducer
    private var requireBackwardGradSync = true

    /// Wraps `module` for the default process group. Buckets hold up to `bucketCapMB` MiB of
    /// gradients, the first up to 1 MiB (or `bucketCapMB` when smaller). With `findUnusedParameters`, parameters that get no
    /// gradient in a backward pass (on this rank) take part with zeros; without it, such a
    /// parameter stops the program with PyTorch's message. Throws when the ranks' models differ
    /// or a collective fails.
    public init(_ module: Module, bucketCapMB: Double = 25, findUnusedParameters: Bool = false,
                broadcastBuffers: Bool = true) throws(DistributedError) {
        check(bucketCapMB > 0 && bucketCapMB <= 1_048_576, "DistributedDataParallel: bucketCapMB must be in (0, 2²⁰], got \(bucketCapMB)")
        _ = Distributed.current
        self.module = module
        self.broadcastBuffers = broadcastBuffers
        let parameters = module.namedParameters().filter { $0.1.requiresGrad }
        try Self.verifySameModel(module.namedParameters())
        // Collectives write tensors without recording anything, so leaves can be written.
        for (_, t) in module.namedParameters() + module.namedBuffers() { try Self.broadcastFromRankZero(t) }
        let cap = Int(bucketCapMB * 1024 * 1024)
        reducer = GradientReducer(parameters: parameters, bucketCap: cap, firstBucketCap: Swift.min(cap, 1024 * 1024),
                                  findUnusedParameters: findUnusedParameters)
        super.init()
    }

    /// Runs the module on this rank's input, after copying rank 0's buffers; a forward pass
    /// with gradients on, outside `noSync`, has its backward averaged across ranks.
    public override func forward(_ input: Tensor) -> Tensor {
        syncBuffers()
        let output = module(input)
        if isGradEnabled && requireBackwardGradSync { reducer.prepareForBackward() }
        return output
    }

    /// Runs `body` with gradients accumulated on each rank alone (for gradient accumulation):
    /// the first backward after it, outside it, averages the sum. PyTorch: `ddp.no_sync()`.
    public func noSync<T>(_ body: () throws -> T) rethrows -> T {
        let previous = requireBackwardGradSync
        requireBackwardGradSync = false
        defer { requireBackwardGradSync = previous }
        return try body()
    }

    /// The last step's backward time (from the end of forward to the end of the walk), the
    /// time after it spent waiting for the reductions (the communication backward did not hide)
    /// and the time the reductions took in all, in seconds.
    public var lastStepTimes: (backward: Double, exposedCommunication: Double, communication: Double) {
        (reducer.lastBackwardSeconds, reducer.lastExposedSeconds, reducer.lastCommunicationSeconds)
    }

    /// The bucket sizes in bytes, in launch order (PyTorch logs these as `bucket_sizes`).
    public var bucketSizes: [Int] { reducer.buckets.map { $0.flat.numel * $0.flat.dtype.itemSize } }

    private func syncBuffers() {
        guard broadcastBuffers, Distributed.worldSize > 1 else { return }
        noGrad {
            for (_, b) in module.namedBuffers() {
                do { try Self.broadcastFromRankZero(b) } catch { fatalError("DistributedDataParallel: \(error)") }
            }
        }
    }

    /// Copies rank 0's `t` into every rank's (through a contiguous copy when `t` is not).
    private static func broadcastFromRankZero(_ t: Tensor) throws(DistributedError) {
        if t.isContiguous {
            try Distributed.broadcast(t, src: 0)
        } else {
            let copy = t.contiguous()
            try Distributed.broadcast(copy, src: 0)
            noGrad { t.copy_(copy) }
        }
    }

    /// Checks that every rank has the same parameters (count, shapes and dtypes), by gathering
    /// each rank's list; every rank finds a difference and throws, so none waits for the others.
    private static func verifySameModel(_ parameters: [(String, Tensor)]) throws(DistributedError) {
        var signature: [Int64] = [Int64(parameters.count)]
        for (_, t) in parameters { signature += [Int64(t.dtype.rawValue), Int64(t.dim)] + t.shape.map(Int64.init) }
        let world = Distributed.worldSize
        let length = Tensor([Int64(signature.count)]), lengths = Tensor.zeros([world], dtype: .int64)
        try Distributed.allGatherIntoTensor(lengths, length)
        let longest = lengths.toInts().max() ?? 0
        let mine = Tensor(signature + Array(repeating: -1, count: longest - signature.count))
        let all = Tensor.zeros([world * longest], dtype: .int64)
        try Distributed.allGatherIntoTensor(all, mine)
        let values = all.toInts()
        for r in 0..<world {
            let theirs = Array(values[(r * longest)..<((r + 1) * longest)])
            guard theirs != mine.toInts() else { continue }
            if theirs[0] != Int(parameters.count) {
                throw DistributedError("DistributedDataParallel expects the same model on every rank, but rank \(r) has \(theirs[0]) parameters, while rank \(Distributed.rank) has \(parameters.count)")
            }
            // The first parameter whose description differs.
            var at = 1
            for (name, t) in parameters {
                let own = [t.dtype.rawValue, t.dim] + t.shape
                let other = Array(theirs[at..<Swift.min(at + own.count, theirs.count)])
                if other != own {
                    let dtype = other.first.flatMap(DType.init(rawValue:)).map { "\($0)" } ?? "?"
                    let shape = other.count >= 2 ? shapeString(Array(theirs[(at + 2)..<Swift.min(at + 2 + theirs[at + 1], theirs.count)])) : "?"
                    throw DistributedError("DistributedDataParallel expects the same model on every rank, but parameter '\(name)' is \(t.dtype) \(shapeString(t.shape)) on rank \(Distributed.rank) and \(dtype) \(shape) on rank \(r)")
                }
                at += own.count
            }
        }
    }
}
