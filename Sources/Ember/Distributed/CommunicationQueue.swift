import Foundation

/// A collective queued on the process group: wait for it, or ask whether it has finished.
/// PyTorch: the `Work` that a collective with `async_op=True` returns.
public final class Work: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private var failure: DistributedError?
    /// What the collective is, for traces (`allreduce`, `bucket 3`).
    let name: String
    /// When it started and finished on the communication thread, in nanoseconds of uptime.
    private(set) var startedAt: UInt64 = 0, finishedAt: UInt64 = 0

    init(_ name: String) { self.name = name }

    /// Whether the collective has finished (successfully or not). PyTorch: `work.is_completed()`.
    public func isCompleted() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return done
    }

    /// Blocks until the collective has finished; throws its failure. The tensors it writes hold
    /// the result afterwards. PyTorch: `work.wait()`.
    public func wait() throws(DistributedError) {
        condition.lock()
        while !done { condition.wait() }
        let failure = failure
        condition.unlock()
        if let failure { throw failure }
    }

    func markStarted() { startedAt = DispatchTime.now().uptimeNanoseconds }

    func complete(_ error: DistributedError?) {
        condition.lock()
        finishedAt = DispatchTime.now().uptimeNanoseconds
        failure = error
        done = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The thread that runs a process group's collectives one at a time, in the order they were
/// queued. Every rank queues the same collectives in the same order, so they match up across
/// ranks, and the queuing thread goes on computing while one runs: the overlap of
/// communication with backward that `DistributedDataParallel` relies on. Only this thread calls
/// MPI between `initProcessGroup` and `destroyProcessGroup` (`MPI_THREAD_SERIALIZED`), but for
/// `Distributed.abort`, which ends the job from any thread.
final class CommunicationQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [(work: Work, run: () -> DistributedError?)] = []
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "ember-mpi"
        thread.start()
    }

    /// Queues `run` (MPI calls returning their failure, if any) as `work`'s collective; after
    /// `stop`, fails it at once.
    func enqueue(_ work: Work, _ run: @escaping () -> DistributedError?) {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            return work.complete(DistributedError("the process group was destroyed"))
        }
        pending.append((work, run))
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty {
                condition.unlock()
                break
            }
            let next = pending.removeFirst()
            condition.unlock()
            next.work.markStarted()
            next.work.complete(next.run())
        }
        stopped.signal()
    }

    /// Runs what is queued, then ends the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        stopped.wait()
    }
}
