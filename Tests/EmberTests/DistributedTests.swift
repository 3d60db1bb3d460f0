import Foundation
import Testing
@testable import Ember

/// PyTorch's DistributedSampler, each rank's indices (scripts/fixtures/distributed_sampler.py).
private struct SamplerFixtures: Decodable {
    struct Case: Decodable {
        let size, replicas: Int
        let shuffle: Bool
        let seed: UInt64
        let drop_last: Bool
        let epoch: Int
        let ranks: [[Int]]
    }
    let cases: [Case]
}

/// The sampler, the gradient hooks DDP is built on, and every distributed scenario of
/// `DistributedCheck` under `mpirun` on 2 and 4 processes of this machine.
@Suite(.serialized) struct DistributedTests {
    @Test func samplerMatchesPyTorch() {
        let fixtures: SamplerFixtures = loadFixtures("distributed_sampler.json")
        for c in fixtures.cases {
            for rank in 0..<c.replicas {
                let sampler = DistributedSampler(size: c.size, numReplicas: c.replicas, rank: rank, shuffle: c.shuffle,
                                                 seed: c.seed, dropLast: c.drop_last)
                sampler.setEpoch(c.epoch)
                #expect(Array(sampler) == c.ranks[rank], "\(c.size) over \(c.replicas), rank \(rank)")
                #expect(sampler.count == c.ranks[rank].count)
            }
        }
    }

    /// The hook runs once per backward, after the last of a shared leaf's gradients, and the
    /// queued callback after every hook.
    @Test func postAccumulateGradHookRunsOnceAfterTheLastGradient() {
        let w = Tensor([1.0, 2]).requiresGrad_()
        var seen: [[Double]] = [], events: [String] = []
        let handle = w.registerPostAccumulateGradHook { t in
            seen.append(t.grad!.toDoubles())
            events.append("hook")
            Engine.queueCallback { events.append("callback") }
        }
        ((w * 3).sum() + (w * w).sum()).backward()
        #expect(seen == [[5, 7]])
        #expect(events == ["hook", "callback"])
        handle.remove()
        (w * 2).sum().backward()
        #expect(seen.count == 1 && w.grad!.toDoubles() == [7, 9])
    }

    /// Outside a process group SyncBatchNorm is BatchNorm, with BatchNorm's keys;
    /// `convertSyncBatchnorm` switches a model's batch-norm layers to synchronized statistics.
    @Test func syncBatchNormAloneIsBatchNorm() {
        manualSeed(0)
        let x = Tensor.randn([4, 3, 5, 5])
        let sync = SyncBatchNorm(3), plain = BatchNorm2d(3)
        #expect((sync(x) - plain(x)).abs().max().item() == 0)
        #expect(sync.runningVar!.toDoubles() == plain.runningVar!.toDoubles())
        #expect(sync.stateDict().map(\.0) == plain.stateDict().map(\.0))
        let net = Sequential(Conv2d(3, 3, kernelSize: 1), BatchNorm2d(3), ReLU(), BatchNorm2d(3))
        SyncBatchNorm.convertSyncBatchnorm(net)
        #expect([1, 3].allSatisfy { (net[$0] as! BatchNormLayer).synchronizesStatistics })
    }

    // MARK: - Under mpirun

    private static let mpirun = mpirunPath
    private static let check = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .path.replacingOccurrences(of: "/EmberPackageTests.xctest/Contents/MacOS", with: "") + "/DistributedCheck"

    /// Runs `DistributedCheck arguments` on `ranks` processes (alone without `ranks`).
    private func run(_ arguments: [String], ranks: Int?, trace: Bool = false,
                     timeout: Double = 120) throws -> (status: Int32, output: String, seconds: Double) {
        try MPIJob(ranks: ranks, Self.check, arguments, environment: trace ? ["EMBER_DDP_TRACE": "1"] : [:]).finish(timeout: timeout)
    }

    @Test(.enabled(if: mpirun != nil)) func collectivesOnTwoAndFourRanks() throws {
        for ranks in [2, 4] {
            let result = try run(["collectives"], ranks: ranks)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.components(separatedBy: "collectives ok").count - 1 == ranks, "\(result.output)")
        }
    }

    /// K steps of DDP on 2 and 4 ranks, and on 2 ranks accumulating two micro-batches with
    /// `noSync`, end with the weights of K steps of one process on the whole batch (with
    /// `SyncBatchNorm`, the running statistics too: BatchNorm's of the whole batch). They differ
    /// only by the order of float32 sums (a batch's gradient summed in parts, then averaged): a
    /// few units in the last place of the weights, far below 1e-6.
    @Test(.enabled(if: mpirun != nil)) func trainingEqualsOneProcessOnTheWholeBatch() throws {
        let dir = NSTemporaryDirectory() + "ember-ddp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for model in ["mlp", "lenet", "syncbn"] {
            let reference = try run(["train", model, "3", "\(dir)/\(model)-ref.safetensors", "--reference"], ranks: nil)
            #expect(reference.status == 0, "\(reference.output)")
            let expected = try SafeTensors.load(from: "\(dir)/\(model)-ref.safetensors")
            // Micro-batches have batch statistics of their own: no accumulation with batch norm.
            for (ranks, extra) in [(2, [String]()), (4, []), (2, ["--accumulate", "2"])] where model != "syncbn" || extra.isEmpty {
                let path = "\(dir)/\(model)-\(ranks)-\(extra.count).safetensors"
                let result = try run(["train", model, "3", path] + extra, ranks: ranks)
                #expect(result.status == 0, "\(result.output)")
                let got = try SafeTensors.load(from: path)
                #expect(got.map(\.0) == expected.map(\.0))
                for ((name, a), (_, b)) in zip(expected, got) {
                    let diff = (a - b).abs().max().item()
                    #expect(diff < 1e-6, "\(model) on \(ranks) ranks \(extra): \(name) differs by \(diff)")
                }
            }
        }
    }

    /// The trace shows the first bucket's allreduce running while backward goes on.
    @Test(.enabled(if: mpirun != nil)) func bucketsAreReducedDuringBackward() throws {
        let path = NSTemporaryDirectory() + "ember-ddp-trace-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try run(["train", "lenet", "2", path], ranks: 2, trace: true)
        #expect(result.status == 0, "\(result.output)")
        // Each "[rank 0] ddp step: backward 0.00–E ms" line is followed by its buckets'
        // "[rank 0]   bucket 0: ..., allreduce A–B ms": bucket 0 starts before backward ends.
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("[rank 0]") }
        var backwardEnd: Double?, checked = 0
        for line in lines {
            if line.hasPrefix("[rank 0] ddp step") {
                backwardEnd = Double(line.split(separator: "–")[1].split(separator: " ")[0])
            } else if line.contains("bucket 0:"), let end = backwardEnd {
                let start = Double(line.split(separator: "allreduce ")[1].split(separator: "–")[0])!
                #expect(start < end, "\(line) after backward ending at \(end) ms")
                checked += 1
            }
        }
        #expect(checked == 2, "\(result.output)")
    }

    /// SyncBatchNorm's float64 gradients on 2 and 3 ranks equal BatchNorm's on the whole batch.
    @Test(.enabled(if: mpirun != nil)) func syncBatchNormGradientsAreThoseOfTheWholeBatch() throws {
        for ranks in [2, 3] {
            let result = try run(["syncbn-gradients"], ranks: ranks)
            #expect(result.status == 0 && result.output.components(separatedBy: "syncbn gradients ok").count == ranks + 1, "\(result.output)")
        }
    }

    @Test(.enabled(if: mpirun != nil)) func unusedParametersAndMismatchedModels() throws {
        let unused = try run(["unused"], ranks: 2)
        #expect(unused.status == 0 && unused.output.components(separatedBy: "unused ok").count == 3, "\(unused.output)")
        let oneRank = try run(["unused-on-one-rank"], ranks: 2)
        #expect(oneRank.status == 0 && oneRank.output.components(separatedBy: "unused on one rank ok").count == 3, "\(oneRank.output)")
        let afterNoSync = try run(["unused-after-nosync"], ranks: 2)
        #expect(afterNoSync.status == 0 && afterNoSync.output.components(separatedBy: "unused after noSync ok").count == 3,
                "\(afterNoSync.output)")
        let outside = try run(["gradient-outside-forward"], ranks: 2)
        #expect(outside.status != 0 && outside.output.contains("Expected to mark a variable ready only once"), "\(outside.output)")
        let mismatch = try run(["mismatch"], ranks: 2)
        #expect(mismatch.status == 0, "\(mismatch.output)")
        #expect(mismatch.output.components(separatedBy: "refused").count - 1 == 4, "\(mismatch.output)")
        #expect(mismatch.output.contains("parameter 'bias' is torch.float32 [2] requiring grad on rank 0 and torch.float32 [2] not requiring grad on rank 1"),
                "\(mismatch.output)")
        #expect(mismatch.output.contains("parameter 'weight' is torch.float32 [2, 4] requiring grad on rank 0 and torch.float32 [3, 4] requiring grad on rank 1"),
                "\(mismatch.output)")
    }

    /// A rank killed in the middle of the collectives ends the whole job, quickly, with mpirun
    /// naming it: the others never hang.
    @Test(.enabled(if: mpirun != nil)) func aKilledRankEndsTheJob() throws {
        let result = try run(["die"], ranks: 2, timeout: 60)
        #expect(result.status != 0)
        #expect(result.seconds < 30, "took \(result.seconds) s")
        #expect(result.output.contains("rank 1") && result.output.contains("signal 9"), "\(result.output)")
    }
}
