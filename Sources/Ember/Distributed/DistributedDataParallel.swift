/// Data-parallel training of `module`: each rank runs the model on its own part of the batch,
/// and backward leaves in every rank's `.grad` the average of all ranks' gradients, so that one
/// optimizer step keeps the replicas equal. At construction rank 0's parameters and buffers
/// are copied to every rank, after checking that every rank built the same model. The
/// gradients are averaged in buckets while backward runs (see `GradientReducer`); buffers
/// (batch-norm statistics) follow rank 0 at the forward pass after each averaged one.
/// State-dict keys are the module's behind `module.`, as PyTorch's.
/// PyTorch: `torch.nn.parallel.DistributedDataParallel`.
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
    /// Whether buffers are copied from rank 0 at the forward pass after each averaged one
    /// (PyTorch's `broadcast_buffers`).
    public let broadcastBuffers: Bool
    private let reducer: GradientReducer
    private var requireBackwardGradSync = true
    /// Whether the last forward pass was averaged in backward: the next one then starts by
    /// copying rank 0's buffers (PyTorch's `require_forward_param_sync`).
    private var requireForwardParamSync = true

    /// Wraps `module` for the default process group. A bucket of gradients is closed once it
    /// holds `bucketCapMB` MiB or more, the first once it holds 1 MiB (or `bucketCapMB` when
    /// smaller). With `findUnusedParameters`, parameters that get no gradient in a backward pass
    /// on this rank take part with their `.grad` as it is (zeros when nil), and those no rank
    /// used keep theirs; without it, such a parameter stops the program with PyTorch's message.
    /// Throws when the ranks' models differ (parameters, which need gradients, and buffers) or
    /// a collective fails; a collective failing later, inside backward, ends the job.
    ///
    /// As in PyTorch, every rank's backward must reach some parameter (a rank that produces no
    /// gradient at all takes no part and the others wait for it), and with
    /// `findUnusedParameters` ranks whose graphs differ launch their buckets at different points
    /// of backward, so collectives run inside backward (`SyncBatchNorm`'s) need the same graph
    /// on every rank.
    public init(_ module: Module, bucketCapMB: Double = 25, findUnusedParameters: Bool = false,
                broadcastBuffers: Bool = true) throws(DistributedError) {
        check(bucketCapMB > 0 && bucketCapMB <= 1_048_576, "DistributedDataParallel: bucketCapMB must be in (0, 2²⁰], got \(bucketCapMB)")
        _ = Distributed.current  // stops with PyTorch's message when there is no process group
        self.module = module
        self.broadcastBuffers = broadcastBuffers
        let parameters = module.namedParameters().filter { $0.1.requiresGrad }
        try Self.verifySameModel(module.namedParameters(), buffers: module.namedBuffers())
        // Collectives write tensors without recording anything, so leaves can be written.
        try Self.broadcastFromRankZero(module.namedParameters().map(\.1) + module.namedBuffers().map(\.1))
        let cap = Int(bucketCapMB * 1024 * 1024)
        reducer = GradientReducer(parameters: parameters, bucketCap: cap, firstBucketCap: Swift.min(cap, 1024 * 1024),
                                  findUnusedParameters: findUnusedParameters)
        super.init()
    }

    /// Runs the module on this rank's input. A forward pass with gradients on, outside `noSync`,
    /// has its backward averaged across ranks; the forward pass after such a one (evaluation
    /// included) first copies rank 0's buffers, as PyTorch's does. Either is a collective
    /// every rank must make.
    public override func forward(_ input: Tensor) -> Tensor {
        if requireForwardParamSync && broadcastBuffers && Distributed.worldSize > 1 {
            do { try Self.broadcastFromRankZero(module.namedBuffers().map(\.1)) } catch { GradientReducer.fail(error) }
        }
        let output = module(input)
        requireForwardParamSync = isGradEnabled && requireBackwardGradSync
        if requireForwardParamSync { reducer.prepareForBackward(output) }
        return output
    }

    /// Runs `body` with gradients accumulated on each rank alone (gradient accumulation): the
    /// forward passes made inside it are not averaged in backward; the next forward and
    /// backward outside it average the accumulated sum. PyTorch: `ddp.no_sync()`.
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

    /// Copies rank 0's `tensors` into every rank's: one broadcast per dtype, of the tensors
    /// packed end to end.
    private static func broadcastFromRankZero(_ tensors: [Tensor]) throws(DistributedError) {
        for dtype in DType.allCases {
            let group = tensors.filter { $0.dtype == dtype }
            guard !group.isEmpty else { continue }
            let flat = noGrad { Tensor.cat(group.map { $0.reshape(-1) }) }
            try Distributed.broadcast(flat, src: 0)
            noGrad {
                var offset = 0
                for t in group {
                    t.copy_(flat.narrow(0, offset, t.numel).view(t.shape))
                    offset += t.numel
                }
            }
        }
    }

    /// Checks that every rank has the same parameters (count, dtypes, shapes, which need
    /// gradients) and buffers, by gathering each rank's description; every rank finds a
    /// difference and throws, so none waits for the others.
    private static func verifySameModel(_ parameters: [(String, Tensor)], buffers: [(String, Tensor)]) throws(DistributedError) {
        // Each tensor as [dtype, rank, sizes..., (needs gradients)].
        func entry(_ t: Tensor, _ isParameter: Bool) -> [Int] {
            [t.dtype.rawValue, t.dim] + t.shape + (isParameter ? [t.requiresGrad ? 1 : 0] : [])
        }
        let entries = parameters.map { ("parameter '\($0.0)'", entry($0.1, true)) } + buffers.map { ("buffer '\($0.0)'", entry($0.1, false)) }
        let signature = [parameters.count, buffers.count] + entries.flatMap(\.1)
        let world = Distributed.worldSize
        let lengths = Tensor.zeros([world], dtype: .int64)
        try Distributed.allGatherIntoTensor(lengths, Tensor([Int64(signature.count)]))
        let counts = lengths.toInts(), longest = counts.max() ?? 0
        let all = Tensor.zeros([world * longest], dtype: .int64)
        try Distributed.allGatherIntoTensor(all, Tensor((signature + Array(repeating: -1, count: longest - signature.count)).map(Int64.init)))
        let values = all.toInts(), me = Distributed.rank
        for r in 0..<world {
            let theirs = Array(values[(r * longest)..<(r * longest + counts[r])])
            guard theirs != signature else { continue }
            let prefix = "DistributedDataParallel expects the same model on every rank, but"
            guard theirs[0] == parameters.count && theirs[1] == buffers.count else {
                throw DistributedError("\(prefix) rank \(r) has \(theirs[0]) parameters and \(theirs[1]) buffers, while rank \(me) has \(parameters.count) and \(buffers.count)")
            }
            // The first tensor whose description differs.
            var at = 2
            for (name, own) in entries {
                let other = Array(theirs[at..<Swift.min(at + own.count, theirs.count)])
                if other != own {
                    func describe(_ e: [Int]) -> String {
                        guard e.count >= 2, let dtype = DType(rawValue: e[0]), e.count >= 2 + e[1] else { return "different" }
                        let needsGrad = e.count > 2 + e[1] ? (e[2 + e[1]] == 1 ? " requiring grad" : " not requiring grad") : ""
                        return "\(dtype) \(shapeString(Array(e[2..<(2 + e[1])])))\(needsGrad)"
                    }
                    // Their entry has their rank's number of sizes (and the same flag, if a parameter).
                    let flag = own.count - 2 - own[1], theirDim = at + 1 < theirs.count ? Swift.max(0, theirs[at + 1]) : 0
                    let theirEntry = Array(theirs[at..<Swift.min(at + 2 + theirDim + flag, theirs.count)])
                    throw DistributedError("\(prefix) \(name) is \(describe(own)) on rank \(me) and \(describe(theirEntry)) on rank \(r)")
                }
                at += own.count
            }
            throw DistributedError("\(prefix) rank \(r) describes its model differently from rank \(me)")
        }
    }
}
