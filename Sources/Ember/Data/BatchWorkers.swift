import Foundation

/// Background threads that build the batches of one epoch ahead of the consumer: each claims
/// the next unclaimed batch position, at most `ahead` positions past the one the consumer waits
/// for (a bounded prefetch), and `take(k)` hands batch `k` over once it is built. Owned by one
/// `DataLoaderIterator`; when that goes away the threads stop after their current batch.
final class BatchWorkers<Batch: Sendable> {
    private let queue: Queue

    init(count: Int, threads: Int, ahead: Int, build: @escaping @Sendable (Int) -> Batch) {
        queue = Queue(count: count, ahead: ahead)
        let queue = queue
        for _ in 0..<min(threads, count) {
            let thread = Thread { queue.work(build) }
            thread.name = "DataLoader worker"
            thread.start()
        }
    }

    deinit { queue.cancel() }

    /// Waits for batch `k`, the next one in order, and returns it.
    func take(_ k: Int) -> Batch { queue.take(k) }

    /// The state shared with the threads. Every field is read and written under `condition`,
    /// which is why the class is `@unchecked Sendable`.
    private final class Queue: @unchecked Sendable {
        private let condition = NSCondition()
        private let count: Int, ahead: Int
        private var claimed = 0
        private var consumed = 0
        private var cancelled = false
        private var built: [Int: Batch] = [:]

        init(count: Int, ahead: Int) {
            self.count = count
            self.ahead = ahead
        }

        func work(_ build: @Sendable (Int) -> Batch) {
            while true {
                condition.lock()
                while !cancelled && claimed < count && claimed >= consumed + ahead { condition.wait() }
                if cancelled || claimed >= count { condition.unlock(); return }
                let k = claimed
                claimed += 1
                condition.unlock()
                let batch = build(k)
                condition.lock()
                built[k] = batch
                condition.broadcast()
                condition.unlock()
            }
        }

        func take(_ k: Int) -> Batch {
            condition.lock()
            defer { condition.unlock() }
            while built[k] == nil { condition.wait() }
            consumed = k + 1
            condition.broadcast()
            return built.removeValue(forKey: k)!
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
