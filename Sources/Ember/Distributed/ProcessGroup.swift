import CMPI
import Foundation
import Synchronization

/// Why a distributed call failed: MPI's own reason, or ranks that disagree. PyTorch raises a
/// `RuntimeError` (or `DistBackendError`) in these cases.
public struct DistributedError: Error, CustomStringConvertible {
    /// What went wrong.
    public let reason: String
    /// One line: `distributed: ` and the reason.
    public var description: String { "distributed: \(reason)" }

    init(_ reason: String) { self.reason = reason }

    /// MPI's message for the error `code` that `call` returned.
    init(mpi code: Int32, in call: String) {
        var text = [CChar](repeating: 0, count: 1024)
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        self.init("\(call) failed: \(String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))")
    }

    /// nil when `code` is MPI's success, else the error.
    static func check(_ code: Int32, _ call: String) -> DistributedError? {
        code == MPI_SUCCESS ? nil : DistributedError(mpi: code, in: call)
    }
}

/// The default process group: every process `mpirun` started (`MPI_COMM_WORLD`), and the thread
/// that runs its collectives.
final class ProcessGroup: Sendable {
    let rank: Int, worldSize: Int
    /// This process's place among the processes on its machine, and how many those are.
    let localRank: Int, localWorldSize: Int
    let queue: CommunicationQueue

    init(rank: Int, worldSize: Int, localRank: Int, localWorldSize: Int) {
        (self.rank, self.worldSize, self.localRank, self.localWorldSize) = (rank, worldSize, localRank, localWorldSize)
        queue = CommunicationQueue()
    }
}

/// Processes that train together, on MPI: the process group, its collectives on tensors and what
/// data-parallel training is built from. PyTorch: `torch.distributed` with the `mpi` backend.
///
/// Start the program with `mpirun -np 4 program` (`--hostfile hosts` across machines); each
/// process calls `initProcessGroup()` first and `destroyProcessGroup()` last:
///
/// ```swift
/// try Distributed.initProcessGroup()
/// let t = Tensor([Float(Distributed.rank)])
/// try Distributed.allReduce(t, op: .sum)   // every rank now holds 0 + 1 + 2 + 3
/// Distributed.destroyProcessGroup()
/// ```
///
/// A program that never calls `initProcessGroup` never starts MPI: it runs as one process, as
/// without `mpirun`.
public enum Distributed {
    private static let group = Mutex<ProcessGroup?>(nil)
    /// MPI cannot be started again in a process once finalized.
    private static let finalized = Atomic<Bool>(false)

    /// Starts MPI and makes the default process group of every process `mpirun` started (one
    /// process, rank 0, without `mpirun`). MPI is asked for `MPI_THREAD_SERIALIZED`: collectives
    /// run on a thread of their own, one at a time, while the caller goes on computing.
    /// PyTorch: `dist.init_process_group(backend="mpi")`.
    public static func initProcessGroup(backend: String = "mpi") throws(DistributedError) {
        check(backend == "mpi", "Invalid backend: '\(backend)'. Ember's process groups run on MPI: use backend \"mpi\"")
        try group.withLock { (group: inout ProcessGroup?) throws(DistributedError) in
            guard group == nil else { throw DistributedError("trying to initialize the default process group twice!") }
            guard !finalized.load(ordering: .relaxed) else {
                throw DistributedError("MPI was finalized by destroyProcessGroup and cannot be started again in this process")
            }
            var provided: Int32 = 0
            if let error = DistributedError.check(MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided), "MPI_Init_thread") {
                throw error
            }
            guard provided >= Int32(MPI_THREAD_SERIALIZED) else {
                MPI_Finalize()
                finalized.store(true, ordering: .relaxed)
                throw DistributedError("this MPI library does not support MPI_THREAD_SERIALIZED, which the process group needs")
            }
            let world = ember_mpi_comm_world()
            // Errors are returned to Ember, which throws them, instead of aborting the job.
            MPI_Comm_set_errhandler(world, ember_mpi_errors_return())
            var rank: Int32 = 0, size: Int32 = 0, localRank: Int32 = 0, localSize: Int32 = 0
            MPI_Comm_rank(world, &rank)
            MPI_Comm_size(world, &size)
            var local: MPI_Comm?
            if let error = DistributedError.check(
                MPI_Comm_split_type(world, Int32(MPI_COMM_TYPE_SHARED), rank, ember_mpi_info_null(), &local), "MPI_Comm_split_type") {
                MPI_Finalize()
                finalized.store(true, ordering: .relaxed)
                throw error
            }
            MPI_Comm_rank(local, &localRank)
            MPI_Comm_size(local, &localSize)
            MPI_Comm_free(&local)
            group = ProcessGroup(rank: Int(rank), worldSize: Int(size), localRank: Int(localRank), localWorldSize: Int(localSize))
        }
    }

    /// Waits for the queued collectives, stops MPI and forgets the default group. MPI cannot be
    /// started again afterwards in the same process. PyTorch: `dist.destroy_process_group()`.
    public static func destroyProcessGroup() {
        guard let ended = group.withLock({ group in defer { group = nil }; return group }) else { return }
        ended.queue.stop()
        MPI_Finalize()
        finalized.store(true, ordering: .relaxed)
    }

    /// Ends every process of the job at once (`MPI_Abort`) with `exitCode`: what a rank does
    /// when it cannot go on, so that the others do not wait for it forever. It may be called
    /// while a collective is in flight on the communication thread, which
    /// `MPI_THREAD_SERIALIZED` does not strictly allow; it is the last call the process makes.
    public static func abort(exitCode: Int32 = 1) -> Never {
        if group.withLock({ $0 != nil }) { MPI_Abort(ember_mpi_comm_world(), exitCode) }
        exit(exitCode)
    }

    /// Whether `initProcessGroup` has made the default group. PyTorch: `dist.is_initialized()`.
    public static var isInitialized: Bool { group.withLock { $0 != nil } }

    /// This process's rank, 0 ..< `worldSize`. PyTorch: `dist.get_rank()`.
    public static var rank: Int { current.rank }
    /// The number of processes in the group. PyTorch: `dist.get_world_size()`.
    public static var worldSize: Int { current.worldSize }
    /// This process's rank among those on its machine (the `LOCAL_RANK` torchrun sets).
    public static var localRank: Int { current.localRank }
    /// The number of the group's processes on this machine.
    public static var localWorldSize: Int { current.localWorldSize }

    /// The default group; stops with PyTorch's message when there is none.
    static var current: ProcessGroup {
        guard let g = group.withLock({ $0 }) else {
            fatalError("Default process group has not been initialized, please make sure to call init_process_group.")
        }
        return g
    }
}
