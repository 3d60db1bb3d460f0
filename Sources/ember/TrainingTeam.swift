import Ember
import Foundation

/// The processes of an `ember train --distributed` run and this one's place among them: every
/// rank trains on its share of each epoch, rank 0 alone prints and writes the run's files. A
/// run without `--distributed` is a team of one.
struct TrainingTeam {
    let rank: Int, size: Int

    /// One process, no MPI.
    static let alone = TrainingTeam(rank: 0, size: 1)

    /// Whether this process prints progress and writes files.
    var isLeader: Bool { rank == 0 }
    var isDistributed: Bool { size > 1 || Distributed.isInitialized }

    /// Joins the job `mpirun` started. Started any other way, the run stops with a line saying
    /// how to start it (and, without Open MPI, where it comes from).
    static func join() throws -> TrainingTeam {
        let launched = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { ProcessInfo.processInfo.environment[$0] != nil }
        guard launched else {
            let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            let hasMPIRun = path.contains { FileManager.default.isExecutableFile(atPath: "\($0)/mpirun") }
            throw CommandError(hasMPIRun
                ? "--distributed: start ember with mpirun, e.g. mpirun -np 2 ember train lenet --distributed"
                : "--distributed: mpirun is not installed; scripts/bootstrap installs Open MPI (openmpi-bin, libopenmpi-dev)")
        }
        do { try Distributed.initProcessGroup() } catch { throw CommandError("--distributed: \(error.reason)") }
        // A launcher Open MPI cannot talk to (another MPI's mpiexec) leaves each process alone.
        let announced = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"].compactMap { ProcessInfo.processInfo.environment[$0].flatMap { Int($0) } }.first
        let seen = Distributed.worldSize
        if let announced, announced != seen {
            Distributed.destroyProcessGroup()
            throw CommandError("--distributed: the launcher started \(announced) processes but Open MPI sees \(seen); start ember with Open MPI's mpirun")
        }
        return TrainingTeam(rank: Distributed.rank, size: Distributed.worldSize)
    }

    /// `values` summed over the ranks (itself alone).
    func sum(_ values: [Double]) throws -> [Double] {
        guard isDistributed else { return values }
        let t = Tensor(values)
        do { try Distributed.allReduce(t) } catch { throw CommandError("--distributed: \(error.reason)") }
        return t.toDoubles()
    }

    /// Leaves the job: MPI finalized after the last collective.
    func leave() { if isDistributed { Distributed.destroyProcessGroup() } }

    /// A progress bar that prints on the leader only.
    func progressBar(total: Int, label: String) -> ProgressBar {
        isLeader ? ProgressBar(total: total, label: label) : ProgressBar(total: total, label: label, output: { _ in })
    }
}
