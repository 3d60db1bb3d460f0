import Foundation
import Testing
@testable import Ember

/// `mpirun -np N ember train|bench ... --distributed`, run as a user runs it.
@Suite(.serialized, .enabled(if: emberBinary != nil && mpirunPath != nil)) struct DistributedCommandLineTests {
    private func mpiEmber(_ ranks: Int, _ arguments: [String], timeout: Double = 300) throws -> (status: Int32, output: String, seconds: Double) {
        try MPIJob(ranks: ranks, emberBinary!, arguments).finish(timeout: timeout)
    }

    private func temporaryDirectory() -> String { NSTemporaryDirectory() + "ember-ddp-cli-\(UUID().uuidString)" }

    @Test func distributedNeedsMPIRunAndAClassifier() throws {
        let alone = try ember(["train", "mlp", "--distributed", "--epochs", "1", "--out", temporaryDirectory()])
        #expect(alone.status != 0 && alone.stderr.contains("start ember with mpirun"), "\(alone.stderr)")
        let noMPI = try #require(try ember(["train", "mlp", "--distributed", "--out", temporaryDirectory()],
                                           environment: ["PATH": "/nonexistent"], timeout: 60))
        #expect(noMPI.status != 0 && noMPI.stderr.contains("mpirun is not installed; scripts/bootstrap installs Open MPI"), "\(noMPI.stderr)")
        let linreg = try ember(["train", "linreg", "--distributed"])
        #expect(linreg.status != 0 && linreg.stderr.contains("--distributed trains the Fashion-MNIST classifiers"), "\(linreg.stderr)")
    }

    /// An epoch on 2 ranks of 128 and on 1 of 256 read the same samples in each step (the
    /// sampler's permutation split by rank): the test accuracies agree within 0.3 points; only
    /// rank 0 writes the run's files.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionRoot)))
    func anEpochOnTwoRanksMatchesOneProcess() throws {
        var accuracies: [Double] = []
        for (ranks, batch) in [(1, 256), (2, 128)] {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let result = try mpiEmber(ranks, ["train", "mlp", "--distributed", "--epochs", "1", "--batch-size", "\(batch)", "--out", dir])
            #expect(result.status == 0, "\(result.output)")
            #expect(files(dir).contains("checkpoint.safetensors") && files(dir).contains("model.safetensors"))
            #expect(result.output.components(separatedBy: "test accuracy").count == 2, "\(result.output)")
            let row = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8).split(separator: "\n")[1].split(separator: ",")
            accuracies.append(Double(row[3])!)
        }
        #expect(abs(accuracies[0] - accuracies[1]) <= 0.003, "\(accuracies)")
        #expect(accuracies.allSatisfy { $0 > 0.75 }, "\(accuracies)")
    }

    /// A rank killed mid-run ends the job quickly; the last checkpoint is whole and a
    /// distributed run resumes from it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionRoot)))
    func aKilledRankLeavesAResumableCheckpoint() throws {
        let dir = temporaryDirectory(), again = temporaryDirectory()
        defer { for d in [dir, again] { try? FileManager.default.removeItem(atPath: d) } }
        let job = try MPIJob(ranks: 2, emberBinary!, ["train", "mlp", "--distributed", "--epochs", "50", "--out", dir])
        let checkpoint = dir + "/checkpoint.safetensors"
        while !FileManager.default.fileExists(atPath: checkpoint) && job.process.isRunning && Date().timeIntervalSince(job.started) < 120 {
            usleep(50_000)
        }
        let victim = try #require(Self.rankProcess(1, holding: dir), "\(job.output)")
        kill(victim, SIGKILL)
        let killedAt = Date()
        let result = job.finish(timeout: 60)
        #expect(result.status != 0)
        #expect(Date().timeIntervalSince(killedAt) < 30, "the job took \(Date().timeIntervalSince(killedAt)) s to end")
        #expect(result.output.contains("signal 9"), "\(result.output)")
        let epoch = try #require(Checkpoint.load(from: checkpoint).metadata["epoch"].flatMap { Int($0) })
        #expect(epoch >= 1)
        let resumed = try mpiEmber(2, ["train", "mlp", "--distributed", "--epochs", "1", "--resume", checkpoint, "--out", again])
        #expect(resumed.status == 0 && resumed.output.contains("resumed from \(checkpoint) after epoch \(epoch)"), "\(resumed.output)")
        #expect(try Checkpoint.load(from: again + "/checkpoint.safetensors").metadata["epoch"] == "\(epoch + 1)")
    }

    /// A loss that turns NaN stops every rank at the same step with one message (rank 0's).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionRoot)))
    func aNonFiniteLossStopsEveryRankTogether() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try mpiEmber(2, ["train", "mlp", "--distributed", "--lr", "1e30", "--stop-on-nan", "--epochs", "1", "--out", dir])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.components(separatedBy: "Error: stopped: the loss became nan").count == 2, "\(result.output)")
        #expect(!result.output.contains("rank 1"), "\(result.output)")
    }

    /// Ctrl-C reaching the ranks at different steps stops them all after the same one, rank 0
    /// saying which checkpoint to resume from.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionRoot)))
    func anInterruptStopsEveryRankAfterTheSameStep() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let job = try MPIJob(ranks: 2, emberBinary!, ["train", "mlp", "--distributed", "--epochs", "50", "--out", dir])
        while !FileManager.default.fileExists(atPath: dir + "/checkpoint.safetensors") && job.process.isRunning
                && Date().timeIntervalSince(job.started) < 120 {
            usleep(50_000)
        }
        let first = try #require(Self.rankProcess(0, holding: dir)), second = try #require(Self.rankProcess(1, holding: dir))
        kill(second, SIGINT)
        usleep(30_000)
        kill(first, SIGINT)
        let result = job.finish(timeout: 60)
        #expect(result.status == 130, "\(result.output)")
        #expect(result.output.components(separatedBy: "interrupted: the checkpoint of epoch").count == 2, "\(result.output)")
    }

    /// The process of rank `rank` of the job whose command line names `dir`.
    private static func rankProcess(_ rank: Int, holding dir: String) -> pid_t? {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let command = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.first == emberBinary && arguments.contains(dir) && variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") {
                return pid
            }
        }
        return nil
    }

    @Test func benchSplitsComputeAndCommunication() throws {
        let result = try mpiEmber(2, ["bench", "lenet", "--distributed", "--steps", "3"])
        #expect(result.status == 0, "\(result.output)")
        let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("{") })
        let json = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["ranks"] as? Int == 2)
        #expect((json["exposed_communication_ms"] as? Double).map { $0 >= 0 } == true)
        #expect((json["compute_ms"] as? Double).map { $0 > 0 } == true)
        #expect(result.output.split(separator: "\n").filter { $0.hasPrefix("{") }.count == 1, "only rank 0 reports")
    }
}
