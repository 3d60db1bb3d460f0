import Foundation

/// One background thread that runs the batches of a stream ahead of the consumer, holding at
/// most `ahead` of them; `next()` hands them over in order. The thread makes the batch iterator
/// itself, so neither it nor the dataset's iterator ever crosses threads. Owned by one
/// `DataLoaderIterator`; when that goes away the thread stops after its current batch.
final class StreamPrefetcher<Batch: Sendable> {
    private let queue: Queue

    init(ahead: Int, batches: @escaping @Sendable () -> AnyIterator<Batch>) {
        queue = Queue(ahead: ahead)
        let queue = queue
        let thread = Thread {
            let iterator = batches()
            while let batch = iterator.next(), queue.put(batch) {}
            queue.finish()
        }
        thread.name = "DataLoader stream reader"
        thread.start()
    }

    deinit { queue.cancel() }

    /// Waits for the next batch; nil once the stream is done.
    func next() -> Batch? { queue.take() }

    /// The state shared with the thread. Every field is read and written under `condition`,
    /// which is why the class is `@unchecked Sendable`.
    private final class Queue: @unchecked Sendable {
        private let condition = NSCondition()
        private let ahead: Int
        private var ready: [Batch] = []
        private var finished = false
        private var cancelled = false

        init(ahead: Int) { self.ahead = ahead }

        /// Adds a batch once there is room; false when the consumer has gone.
        func put(_ batch: Batch) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while !cancelled && ready.count >= ahead { condition.wait() }
            if cancelled { return false }
            ready.append(batch)
            condition.broadcast()
            return true
        }

        func finish() {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        func take() -> Batch? {
            condition.lock()
            defer { condition.unlock() }
            while ready.isEmpty && !finished { condition.wait() }
            if ready.isEmpty { return nil }
            condition.broadcast()
            return ready.removeFirst()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
