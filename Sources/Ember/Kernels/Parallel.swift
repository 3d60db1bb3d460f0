import Dispatch
import Foundation

/// Process-wide thread settings.
public enum Threads {
    /// Written once at start-up or by `setNumThreads`; read by every kernel. A benign race like
    /// PyTorch's own `set_num_threads`, hence `nonisolated(unsafe)`.
    nonisolated(unsafe) static var count = ProcessInfo.processInfo.activeProcessorCount
}

/// Sets the number of threads kernels use. PyTorch: `torch.set_num_threads`.
public func setNumThreads(_ n: Int) {
    check(n > 0, "set_num_threads expects a positive integer")
    Threads.count = n
}

/// Number of threads kernels use. PyTorch: `torch.get_num_threads`.
public func getNumThreads() -> Int { Threads.count }

/// Splits `0..<n` into contiguous chunks run on the kernel threads, when the total work
/// (`n * costPerItem`) is large enough to pay for waking them; otherwise runs inline.
@inline(__always)
func parallelFor(_ n: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = Swift.min(Threads.count, n)
    if threads <= 1 || n * costPerItem < 32_768 {
        body(0..<n)
        return
    }
    withoutActuallyEscaping(body) { body in
        // The chunks are disjoint and the call returns only when all are done, so sharing the
        // non-Sendable body across the pool threads is safe.
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let lo = n * t / threads, hi = n * (t + 1) / threads
            if lo < hi { shared.value(lo..<hi) }
        }
    }
}

/// Carries a value across a concurrency boundary that the caller has made safe by construction.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
