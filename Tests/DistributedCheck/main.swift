// The program DistributedTests starts under `mpirun` (and once alone, for reference values): it
// runs one scenario of Ember's distributed training per invocation and prints what the test
// reads. Every rank checks its own results and exits non-zero on a mismatch.
//
//   DistributedCheck collectives
//   DistributedCheck train MODEL STEPS OUT [--reference] [--accumulate N]
//   DistributedCheck unused | unused-on-one-rank | unused-after-nosync | gradient-outside-forward
//                    | mismatch | die | syncbn-gradients
import Ember
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
setNumThreads(1)

/// Stops this rank with `message` (and the job with it, through mpirun) when `condition` fails.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard condition else {
        FileHandle.standardError.write(Data("rank \(Distributed.isInitialized ? Distributed.rank : 0): FAILED: \(message())\n".utf8))
        exit(1)
    }
}

func values(_ t: Tensor) -> [Double] { t.to(.float64).reshape(-1).toDoubles() }

/// Every collective on float32, float64 and int64, synchronous and asynchronous.
func collectives() throws {
    let (rank, world) = (Distributed.rank, Distributed.worldSize)
    let ranks = (0..<world).map(Double.init)
    for dtype in [DType.float32, .float64, .int64] {
        let t = Tensor([Double(rank + 1), Double(10 * rank)]).to(dtype)
        try Distributed.allReduce(t, op: .sum)
        expect(values(t) == [ranks.map { $0 + 1 }.reduce(0, +), ranks.map { 10 * $0 }.reduce(0, +)], "allReduce sum \(dtype): \(values(t))")
        for (op, expected) in [(Distributed.ReduceOp.max, Double(world)), (.min, 1), (.product, (1...world).map(Double.init).reduce(1, *))] {
            let m = Tensor([Double(rank + 1)]).to(dtype)
            try Distributed.allReduce(m, op: op)
            expect(values(m) == [expected], "allReduce \(op) \(dtype): \(values(m))")
        }
        let b = Tensor([Double(rank), Double(rank)]).to(dtype)
        try Distributed.broadcast(b, src: world - 1)
        expect(values(b) == [Double(world - 1), Double(world - 1)], "broadcast \(dtype): \(values(b))")
        let list = (0..<world).map { _ in Tensor.zeros([2], dtype: dtype) }
        try Distributed.allGather(list, Tensor([Double(rank), 1]).to(dtype))
        expect(list.map(values) == ranks.map { [$0, 1] }, "allGather \(dtype)")
        let into = Tensor.zeros([world, 2], dtype: dtype)
        try Distributed.allGatherIntoTensor(into, Tensor([Double(rank), 2]).to(dtype))
        expect(values(into) == ranks.flatMap { [$0, 2] }, "allGatherIntoTensor \(dtype)")
        // Rank r sends r + 10 i to rank i: rank i gets the sum over r.
        let out = Tensor.zeros([1], dtype: dtype)
        try Distributed.reduceScatter(out, (0..<world).map { Tensor([Double(rank + 10 * $0)]).to(dtype) })
        expect(values(out) == [ranks.reduce(0, +) + Double(10 * rank * world)], "reduceScatter \(dtype): \(values(out))")
        let gathered = rank == 0 ? (0..<world).map { _ in Tensor.zeros([1], dtype: dtype) } : nil
        try Distributed.gather(Tensor([Double(rank * rank)]).to(dtype), gatherList: gathered, dst: 0)
        if let gathered { expect(gathered.map(values) == ranks.map { [$0 * $0] }, "gather \(dtype)") }
        let piece = Tensor.zeros([1], dtype: dtype)
        try Distributed.scatter(piece, scatterList: rank == 1 ? (0..<world).map { Tensor([Double(100 + $0)]).to(dtype) } : nil, src: 1)
        expect(values(piece) == [Double(100 + rank)], "scatter \(dtype)")
    }
    let avg = Tensor([Float(rank)])
    try Distributed.allReduce(avg, op: .avg)
    expect(values(avg) == [ranks.reduce(0, +) / Double(world)], "allReduce avg")
    // Asynchronous: queued in order, each finished after wait().
    var works: [(Int, Tensor, Work)] = []
    for i in 0..<4 {
        let t = Tensor([Float(i + rank)])
        works.append((i, t, try Distributed.allReduce(t, asyncOp: true)))
    }
    let barrier = try Distributed.barrier(asyncOp: true)
    for (i, t, work) in works {
        try work.wait()
        expect(work.isCompleted() && values(t) == [Double(world * i) + ranks.reduce(0, +)], "async allReduce \(i)")
    }
    try barrier.wait()
    print("collectives ok on rank \(rank) of \(world)")
}

/// The models the equivalence runs train.
func model(_ name: String) -> Module {
    switch name {
    case "mlp": Sequential(Flatten(), Linear(784, 64), ReLU(), Linear(64, 10))
    case "lenet": LeNet()
    // SyncBatchNorm on a whole batch split over ranks normalizes as BatchNorm on the whole batch.
    case "syncbn": Sequential(Conv2d(1, 4, kernelSize: 3), SyncBatchNorm(4), ReLU(), Flatten(), Linear(4 * 26 * 26, 10))
    default: fatalError("unknown model \(name)")
    }
}

/// `steps` SGD steps (momentum 0.9) on batches of 16 random images (28 or, for LeNet, 32 pixels): the
/// whole batch alone (`reference`), or each rank's share through DDP, optionally accumulated
/// over `accumulate` micro-batches with `noSync`. Rank 0 (or the reference) saves the weights.
func train(_ name: String, steps: Int, out: String, reference: Bool, accumulate: Int) throws {
    manualSeed(reference || Distributed.rank == 0 ? 7 : UInt64(100 + Distributed.rank))  // other ranks start elsewhere
    let net = model(name)
    let ddp = reference ? nil : try DistributedDataParallel(net, bucketCapMB: 0.05)
    let optimizer = SGD(net.parameters(), lr: 0.05, momentum: 0.9)
    let data = Generator(seed: 11)
    let (rank, world) = reference ? (0, 1) : (Distributed.rank, Distributed.worldSize)
    for _ in 0..<steps {
        let side = name == "lenet" ? 32 : 28
        let x = Tensor.randn([16, 1, side, side], generator: data), y = Tensor.randint(10, [16], generator: data)
        let per = 16 / world
        let (xs, ys) = (x.narrow(0, rank * per, per), y.narrow(0, rank * per, per))
        optimizer.zeroGrad()
        if let ddp, accumulate > 1 {
            let micro = per / accumulate
            for k in 0..<accumulate {
                let (xk, yk) = (xs.narrow(0, k * micro, micro), ys.narrow(0, k * micro, micro))
                let pass = { (F.crossEntropy(ddp(xk), yk) / Double(accumulate)).backward() }
                if k < accumulate - 1 { ddp.noSync(pass) } else { pass() }
            }
        } else {
            F.crossEntropy(ddp.map { $0(xs) } ?? net(xs), ys).backward()
        }
        optimizer.step()
    }
    if reference || Distributed.rank == 0 { try SafeTensors.save(net.stateDict().map { ($0.0, $0.1) }, to: out) }
    if let ddp { print("trained \(name) on rank \(rank) of \(world), buckets \(ddp.bucketSizes)") }
}

/// SyncBatchNorm's input, weight and bias gradients in float64, against BatchNorm2d's on the
/// whole batch, which every rank computes for itself (the reduced statistics' gradients flow
/// back through the allreduces).
func syncBatchNormGradients() throws {
    let (rank, world) = (Distributed.rank, Distributed.worldSize)
    let g = Generator(seed: 5)
    let x = Tensor.randn([4 * world, 3, 4, 4], dtype: .float64, generator: g) * 3 + 1
    let c = Tensor.randn([4 * world, 3, 4, 4], dtype: .float64, generator: g)
    let plain = BatchNorm2d(3, dtype: .float64), sync = SyncBatchNorm(3, dtype: .float64)
    for layer in [plain, sync] as [BatchNormLayer] {
        noGrad { layer.weight!.copy_(Tensor([0.5, 2, -1.0])); layer.bias!.copy_(Tensor([0.1, 0, 3.0])) }
    }
    let whole = x.clone().requiresGrad_()
    (plain(whole) * c).sum().backward()
    let part = x.narrow(0, 4 * rank, 4).clone().requiresGrad_()
    (sync(part) * c.narrow(0, 4 * rank, 4)).sum().backward()
    func close(_ a: Tensor, _ b: Tensor) -> Bool { (a - b).abs().max().item() < 1e-12 }
    expect(close(part.grad!, whole.grad!.narrow(0, 4 * rank, 4)), "input gradient")
    for (name, mine, reference) in [("weight", sync.weight!.grad!, plain.weight!.grad!), ("bias", sync.bias!.grad!, plain.bias!.grad!)] {
        let total = mine.clone()
        try Distributed.allReduce(total)
        expect(close(total, reference), "\(name) gradient summed over ranks")
    }
    expect(close(sync.runningMean!, plain.runningMean!) && close(sync.runningVar!, plain.runningVar!), "running statistics")
    print("syncbn gradients ok on rank \(rank)")
}

/// A model with a layer only rank 0 uses and one nobody uses, under `findUnusedParameters`.
final class PartlyUsed: Module {
    let always = Linear(3, 2), rankZeroOnly = Linear(3, 2), never = Linear(3, 2)
    override func forward(_ input: Tensor) -> Tensor {
        Distributed.rank == 0 ? always(input) + rankZeroOnly(input) : always(input)
    }
}

func unused() throws {
    manualSeed(3)
    let net = PartlyUsed()
    let ddp = try DistributedDataParallel(net, findUnusedParameters: true)
    ddp(Tensor.ones([4, 3])).sum().backward()
    let (rank, world) = (Distributed.rank, Distributed.worldSize)
    // rankZeroOnly: rank 0's gradient averaged with zeros; `never` keeps no gradient.
    expect(net.never.weight.grad == nil, "the unused layer got a gradient")
    let g = try require(net.rankZeroOnly.weight.grad)
    expect(values(g).allSatisfy { abs($0 - 4 / Double(world)) < 1e-6 }, "rank 0's layer: \(values(g))")
    expect(values(net.always.weight.grad!).allSatisfy { abs($0 - 4) < 1e-6 }, "shared layer")
    print("unused ok on rank \(rank)")
}

/// `try #require` for this program: the value or a failure.
func require<T>(_ value: T?) throws -> T {
    guard let value else { expect(false, "missing value"); fatalError() }
    return value
}

/// Models that differ in a shape, and in a parameter frozen on one rank only, are refused.
/// A layer used only in the `noSync` micro-step (on every rank, with rank-dependent input):
/// the accumulated gradients are still averaged by the synced pass that does not use it.
final class SometimesExtra: Module {
    let base = Linear(3, 2), extra = Linear(3, 2)
    var useExtra = false
    override func forward(_ input: Tensor) -> Tensor { useExtra ? base(input) + extra(input) : base(input) }
}

func unusedAfterNoSync() throws {
    manualSeed(6)
    let net = SometimesExtra()
    let ddp = try DistributedDataParallel(net, findUnusedParameters: true)
    let x = Tensor.ones([4, 3]) * Double(Distributed.rank + 1)
    net.useExtra = true
    ddp.noSync { ddp(x).sum().backward() }
    net.useExtra = false
    ddp(x).sum().backward()
    let mean = (1...Distributed.worldSize).map { 4.0 * Double($0) }.reduce(0, +) / Double(Distributed.worldSize)
    let g = try require(net.extra.weight.grad)
    expect(values(g).allSatisfy { abs($0 - mean) < 1e-5 }, "extra layer: \(values(g)), expected \(mean)")
    print("unused after noSync ok on rank \(Distributed.rank)")
}

/// A parameter of the model given a gradient outside DDP's forward (an auxiliary loss): with
/// `findUnusedParameters` PyTorch stops, since its bucket may have left without it.
func gradientOutsideForward() throws {
    let net = SometimesExtra()
    let ddp = try DistributedDataParallel(net, findUnusedParameters: true)
    let x = Tensor.ones([4, 3])
    (ddp(x).sum() + net.extra(x).sum()).backward()
    expect(false, "a gradient from outside the forward pass was averaged without a word")
}

func mismatch() {
    let frozen = Linear(4, 2)
    if Distributed.rank == 1 { frozen.bias!.requiresGrad = false }
    for net in [Distributed.rank == 1 ? Linear(4, 3) : Linear(4, 2), frozen] {
        do {
            _ = try DistributedDataParallel(net)
            expect(false, "a mismatched model was accepted")
        } catch {
            print("rank \(Distributed.rank) refused: \(error)")
        }
    }
}

/// A layer rank 1 skips while rank 0 uses every parameter, each parameter in a bucket of its
/// own: every rank still queues the same collectives, and the skipped layer gets rank 0's
/// gradient averaged with nothing.
final class RankOneSkips: Module {
    let first = Linear(3, 3), skipped = Linear(3, 2), last = Linear(3, 2)
    override func forward(_ input: Tensor) -> Tensor {
        let h = first(input)
        return Distributed.rank == 1 ? last(h) : last(h) + skipped(h)
    }
}

func unusedOnOneRank() throws {
    manualSeed(4)
    let net = RankOneSkips()
    let ddp = try DistributedDataParallel(net, bucketCapMB: 1e-5, findUnusedParameters: true)
    for _ in 0..<2 {
        for p in net.parameters() { p.grad = nil }
        ddp(Tensor.ones([4, 3])).sum().backward()
    }
    let world = Double(Distributed.worldSize)
    let skipped = try require(net.skipped.bias!.grad)
    expect(values(skipped).allSatisfy { abs($0 - 4 / world) < 1e-6 }, "skipped layer: \(values(skipped))")
    // The other gradients are the same on every rank.
    for p in [net.first.weight, net.last.weight] {
        let mine = p.grad!.clone(), all = p.grad!.clone()
        try Distributed.allReduce(all, op: .max)
        expect((mine - all).abs().max().item() == 0, "gradients differ between ranks")
    }
    print("unused on one rank ok on rank \(Distributed.rank)")
}

/// Rank 1 is killed in the middle of a run of allreduces; the others are waiting in one.
func die() throws {
    for step in 0..<1_000_000 {
        if Distributed.rank == 1 && step == 20 { kill(getpid(), SIGKILL) }
        try Distributed.allReduce(Tensor([Float(step)]))
    }
}

do {
    // The reference runs alone, without MPI.
    let reference = arguments.contains("--reference")
    if !reference { try Distributed.initProcessGroup() }
    switch arguments.first {
    case "collectives": try collectives()
    case "train":
        let accumulate = arguments.firstIndex(of: "--accumulate").map { Int(arguments[$0 + 1])! } ?? 1
        try train(arguments[1], steps: Int(arguments[2])!, out: arguments[3], reference: reference, accumulate: accumulate)
    case "unused": try unused()
    case "unused-on-one-rank": try unusedOnOneRank()
    case "unused-after-nosync": try unusedAfterNoSync()
    case "gradient-outside-forward": try gradientOutsideForward()
    case "syncbn-gradients": try syncBatchNormGradients()
    case "mismatch": mismatch()
    case "die": try die()
    default: expect(false, "unknown scenario \(arguments)")
    }
    if !reference { Distributed.destroyProcessGroup() }
} catch {
    FileHandle.standardError.write(Data("rank \(Distributed.rank): \(error)\n".utf8))
    Distributed.abort(exitCode: 3)
}
