import Foundation
import Synchronization

/// Averages a model's gradients across ranks while backward runs, as PyTorch's DDP `Reducer`:
/// the parameters, last first (the order backward reaches them), are packed into buckets, each
/// closed once it holds `bucketCap` bytes or more (the first once it holds 1 MiB, so that
/// communication starts early; a large tensor makes its bucket larger);
/// when backward has accumulated the gradients of a whole bucket, they are copied into the
/// bucket's flat buffer and its allreduce is queued, without waiting. Buckets are queued in
/// bucket order on every rank, so the ranks' collectives match. When the backward walk ends,
/// the reducer waits for the buckets and copies the averages into `.grad`.
final class GradientReducer {
    /// A bucket: its parameters (indices into `parameters`), where each starts in the flat
    /// buffer, and the flat buffer.
    struct Bucket {
        let members: [Int]
        let offsets: [Int]
        let flat: Tensor
        var pending = 0
        var work: Work?
        var readyAt: UInt64 = 0
    }

    let parameters: [(name: String, tensor: Tensor)]
    private(set) var buckets: [Bucket] = []
    /// The bucket of each parameter.
    private var bucketOf: [Int]
    private var ready: [Bool]
    private var nextToLaunch = 0
    /// Whether the current backward's gradients are to be averaged (set by a forward pass).
    private var expectingBackward = false
    private var finalizeQueued = false
    private let findUnusedParameters: Bool
    private var hooks: [RemovableHandle] = []
    /// When the last forward pass ended (uptime ns).
    private var forwardEndedAt: UInt64 = 0
    /// The leaves the graphs of this pass's forward calls reached (with `findUnusedParameters`).
    private var reachedAtForward = Set<ObjectIdentifier>()
    /// The parameters counted ready at the first gradient because no forward reached them.
    private var presumedUnused: Set<Int> = []
    /// Which parameters got a gradient since the last averaging, `noSync` passes included
    /// (PyTorch's `local_used_map`).
    private var usedSinceAveraging: [Bool] = []
    /// Times of the last step (seconds): backward (from the end of forward to the end of the
    /// walk), the wait for reductions after it (the communication not hidden), and the time the
    /// buckets' allreduces took in all.
    private(set) var lastBackwardSeconds = 0.0, lastExposedSeconds = 0.0, lastCommunicationSeconds = 0.0
    private let trace = ProcessInfo.processInfo.environment["EMBER_DDP_TRACE"].map { $0 != "0" && !$0.isEmpty } ?? false

    /// Buckets of `parameters` (those that need gradients), `firstBucketCap` then `bucketCap`
    /// bytes, by dtype.
    init(parameters: [(String, Tensor)], bucketCap: Int, firstBucketCap: Int, findUnusedParameters: Bool) {
        self.parameters = parameters.map { (name: $0.0, tensor: $0.1) }
        self.findUnusedParameters = findUnusedParameters
        bucketOf = Array(repeating: 0, count: parameters.count)
        ready = Array(repeating: false, count: parameters.count)
        // PyTorch's compute_bucket_assignment_by_size: in reverse order, one open bucket per
        // dtype, closed once it holds its cap.
        var open: [DType: [Int]] = [:], openBytes: [DType: Int] = [:]
        var closed: [[Int]] = []
        func close(_ dtype: DType) {
            if let members = open[dtype], !members.isEmpty { closed.append(members) }
            open[dtype] = []
            openBytes[dtype] = 0
        }
        for i in parameters.indices.reversed() {
            let t = parameters[i].1
            open[t.dtype, default: []].append(i)
            openBytes[t.dtype, default: 0] += t.numel * t.dtype.itemSize
            if openBytes[t.dtype]! >= (closed.isEmpty ? firstBucketCap : bucketCap) { close(t.dtype) }
        }
        for dtype in DType.allCases { close(dtype) }
        for members in closed {
            var offsets: [Int] = [], total = 0
            for i in members {
                bucketOf[i] = buckets.count
                offsets.append(total)
                total += parameters[i].1.numel
            }
            buckets.append(Bucket(members: members, offsets: offsets, flat: Tensor.zeros([total], dtype: parameters[members[0]].1.dtype)))
        }
        for (i, (_, t)) in self.parameters.enumerated() {
            hooks.append(t.registerPostAccumulateGradHook { [unowned self] _ in self.gradientReady(i) })
        }
        reset()
    }

    deinit { for h in hooks { h.remove() } }

    /// A forward pass whose backward is to be averaged has ended with `output`. With
    /// `findUnusedParameters`, the parameters its graph does not reach are found now and
    /// counted ready at the first gradient of backward (after the user has zeroed the
    /// gradients), as PyTorch does, so that their buckets need not wait for its end.
    func prepareForBackward(_ output: Tensor) {
        expectingBackward = true
        forwardEndedAt = DispatchTime.now().uptimeNanoseconds
        guard findUnusedParameters else { return }
        // Several forward passes before one backward: what any of them reached.
        if output.gradFn == nil { reachedAtForward.insert(ObjectIdentifier(output)) }
        for node in Engine.topologicalOrder(output.gradFn.map { [$0] } ?? []) {
            for (t, fn) in zip(node.inputs, node.inputFns) where fn == nil {
                if let t { reachedAtForward.insert(ObjectIdentifier(t)) }
            }
        }
    }

    private func reset() {
        for b in buckets.indices {
            buckets[b].pending = buckets[b].members.count
            buckets[b].work = nil
        }
        for i in ready.indices { ready[i] = false }
        reachedAtForward = []
        presumedUnused = []
        usedSinceAveraging = Array(repeating: false, count: parameters.count)
        nextToLaunch = 0
        expectingBackward = false
        finalizeQueued = false
    }

    /// Parameter `i`'s gradient is complete for this backward.
    private func gradientReady(_ i: Int) {
        usedSinceAveraging[i] = true
        guard expectingBackward else { return }
        if !finalizeQueued {
            finalizeQueued = true
            Engine.queueCallback { [unowned self] in self.finalize() }
            if findUnusedParameters {
                presumedUnused = Set(parameters.indices.filter { !reachedAtForward.contains(ObjectIdentifier(parameters[$0].tensor)) })
                for j in presumedUnused.sorted() { markReady(j) }
            }
        }
        if presumedUnused.contains(i) {
            // Its bucket may already be on its way without this gradient.
            fatalError("""
                Expected to mark a variable ready only once. This error is caused by one of the following reasons: 1) Use of a module parameter outside the `forward` function. Please make sure model parameters are not shared across multiple concurrent forward-backward passes, or try to use _set_static_graph() as a workaround if this module graph does not change during training loop. 2) Reused parameters in multiple reentrant backward passes. Parameter '\(parameters[i].name)' got a gradient that no forward pass of DistributedDataParallel produced.
                """)
        }
        markReady(i)
    }

    /// Counts parameter `i` in its bucket (once per pass) and launches what is complete.
    private func markReady(_ i: Int) {
        guard !ready[i] else { return }
        ready[i] = true
        let b = bucketOf[i]
        buckets[b].pending -= 1
        if buckets[b].pending == 0 { buckets[b].readyAt = DispatchTime.now().uptimeNanoseconds }
        launchReadyBuckets()
    }

    /// Queues the allreduce of each complete bucket, in bucket order.
    private func launchReadyBuckets() {
        while nextToLaunch < buckets.count && buckets[nextToLaunch].pending == 0 {
            launch(nextToLaunch)
            nextToLaunch += 1
        }
    }

    private func launch(_ b: Int) {
        let bucket = buckets[b]
        noGrad {
            for (slot, i) in bucket.members.enumerated() {
                let p = parameters[i].tensor, piece = bucket.flat.narrow(0, bucket.offsets[slot], p.numel)
                if let g = p.grad { piece.copy_(g.reshape(-1)) } else { piece.zero_() }
                if p.grad?.requiresGrad == true { Self.warnOnceAboutGradientGraphs() }
            }
        }
        do {
            buckets[b].work = try Distributed.allReduce(bucket.flat, op: .avg, asyncOp: true)
        } catch {
            Self.fail(error)
        }
    }

    /// At the end of backward: with `findUnusedParameters`, the buckets still incomplete are
    /// launched (their parameters without a gradient send `.grad` as it is, zeros when nil) and
    /// then, on every rank and every pass, which parameters each rank used, as PyTorch does;
    /// without it, a parameter without a gradient stops the program. Every bucket is waited
    /// for and its averages go into `.grad`.
    private func finalize() {
        let walkEnded = DispatchTime.now().uptimeNanoseconds
        let missing = ready.indices.filter { !ready[$0] }
        var usedSomewhere: [Bool]? = nil
        if findUnusedParameters {
            let used = Tensor(usedSinceAveraging.map { Int64($0 ? 1 : 0) })
            for i in missing { markReady(i) }
            // Queued after every bucket on every rank, so that the ranks' collectives match.
            do {
                try Distributed.allReduce(used, op: .max)
            } catch {
                Self.fail(error)
            }
            usedSomewhere = used.toInts().map { $0 != 0 }
        } else if !missing.isEmpty {
            fatalError("""
                Expected to have finished reduction in the prior iteration before starting a new one. This error indicates that your module has parameters that were not used in producing loss. You can enable unused parameter detection by passing the keyword argument `findUnusedParameters: true` to `DistributedDataParallel`. Parameters which did not receive grad for rank \(Distributed.rank): \(missing.map { parameters[$0].name }.joined(separator: ", "))
                """)
        }
        for b in buckets.indices {
            do { try buckets[b].work?.wait() } catch { Self.fail(error) }
        }
        let reduced = DispatchTime.now().uptimeNanoseconds
        noGrad {
            for bucket in buckets {
                for (slot, i) in bucket.members.enumerated() {
                    let p = parameters[i].tensor
                    if let usedSomewhere, !usedSomewhere[i] { continue }
                    let average = bucket.flat.narrow(0, bucket.offsets[slot], p.numel).view(p.shape)
                    if let g = p.grad { g.copy_(average) } else { p.grad = average.clone() }
                }
            }
        }
        lastBackwardSeconds = Double(walkEnded - forwardEndedAt) / 1e9
        lastExposedSeconds = Double(reduced - walkEnded) / 1e9
        lastCommunicationSeconds = buckets.compactMap(\.work).map { Double($0.finishedAt - $0.startedAt) / 1e9 }.reduce(0, +)
        if trace { printTrace(walkEnded: walkEnded, reduced: reduced) }
        reset()
    }

    /// A collective failed in the middle of backward, which cannot throw: the rank says why in
    /// one line and ends the job, so that no rank waits for it.
    static func fail(_ error: DistributedError) -> Never {
        FileHandle.standardError.write(Data("rank \(Distributed.rank): error: \(error)\n".utf8))
        Distributed.abort(exitCode: 1)
    }

    private static let warnedAboutGradientGraphs = Atomic<Bool>(false)

    /// PyTorch warns too: a `createGraph` backward's `.grad` keeps this rank's graph, with the
    /// average's values.
    private static func warnOnceAboutGradientGraphs() {
        guard !warnedAboutGradientGraphs.exchange(true, ordering: .relaxed) else { return }
        FileHandle.standardError.write(Data("warning: DistributedDataParallel averages the values of gradients computed with createGraph: true, not their graphs, which stay this rank's\n".utf8))
    }

    /// One line per bucket on stderr: when it was complete and when its allreduce ran, in ms
    /// from the end of the forward pass.
    private func printTrace(walkEnded: UInt64, reduced: UInt64) {
        func ms(_ t: UInt64) -> String { String(format: "%.2f", Double(Int64(bitPattern: t &- forwardEndedAt)) / 1e6) }
        var lines = ["[rank \(Distributed.rank)] ddp step: backward 0.00–\(ms(walkEnded)) ms, reductions done \(ms(reduced)) ms"]
        for (b, bucket) in buckets.enumerated() {
            let bytes = bucket.flat.numel * bucket.flat.dtype.itemSize
            let work = bucket.work
            lines.append("[rank \(Distributed.rank)]   bucket \(b): \(bucket.members.count) tensors, \(bytes) bytes, ready \(ms(bucket.readyAt)) ms, allreduce \(work.map { ms($0.startedAt) } ?? "-")–\(work.map { ms($0.finishedAt) } ?? "-") ms")
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
