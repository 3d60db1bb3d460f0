import Dispatch
import Foundation

/// Process-wide thread settings.
public enum Threads {
    /// Written once at start-up or by `setNumThreads`; read by every kernel. A benign race like
    /// PyTorch's own `set_num_threads`, hence `nonisolated(unsafe)`.
    nonisolated(unsafe) static var count = ProcessInfo.processInfo.activeProcessorCount
}

/// Sets the number of threads kernels (Ember's and oneDNN's) use. PyTorch: `torch.set_num_threads`.
public func setNumThreads(_ n: Int) {
    check(n > 0, "set_num_threads expects a positive integer")
    Threads.count = n
    OpenMP.runtime?.setNumThreads(Int32(n))
}

/// Number of threads kernels use. PyTorch: `torch.get_num_threads`.
public func getNumThreads() -> Int { Threads.count }

/// The OpenMP runtime oneDNN runs on (libgomp, loaded with libdnnl). Ember's own parallel loops
/// run on the same thread team, as PyTorch's do: two pools would fight over the cores, with the
/// OpenMP threads spin-waiting between oneDNN calls while Swift kernels run (measured here as
/// 40% of a convolution benchmark's time). Looked up at run time, so nothing extra is linked.
enum OpenMP {
    typealias Parallel = @convention(c) (@convention(c) (UnsafeMutableRawPointer?) -> Void, UnsafeMutableRawPointer?,
                                         UInt32, UInt32) -> Void
    typealias IntGetter = @convention(c) () -> Int32
    typealias IntSetter = @convention(c) (Int32) -> Void

    struct Runtime {
        let parallel: Parallel
        let threadNum: IntGetter
        let numThreads: IntGetter
        let setNumThreads: IntSetter
    }

    /// Nil when libgomp is not loaded, or when `EMBER_NO_OPENMP=1` asks for Dispatch instead
    /// (ThreadSanitizer cannot see libgomp's barriers, so `make sanitize` checks Ember's loops on
    /// Dispatch, whose synchronization it understands).
    nonisolated(unsafe) static let runtime: Runtime? = {
        guard ProcessInfo.processInfo.environment["EMBER_NO_OPENMP"] != "1",
              let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "GOMP_parallel"),
              let t = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_thread_num"),
              let n = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_num_threads"),
              let s = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return nil }
        return Runtime(parallel: unsafeBitCast(p, to: Parallel.self), threadNum: unsafeBitCast(t, to: IntGetter.self),
                       numThreads: unsafeBitCast(n, to: IntGetter.self), setNumThreads: unsafeBitCast(s, to: IntSetter.self))
    }()

    /// What one parallel region runs: `body` over its share of `0..<n`.
    struct Job {
        let body: (Range<Int>) -> Void
        let n: Int
    }
}

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
        if let omp = OpenMP.runtime {
            var job = OpenMP.Job(body: body, n: n)
            withUnsafeMutablePointer(to: &job) { ptr in
                omp.parallel({ raw in
                    let job = raw!.assumingMemoryBound(to: OpenMP.Job.self).pointee
                    let omp = OpenMP.runtime!
                    // Chunk by the team the runtime actually gave, which may be smaller than asked.
                    let t = Int(omp.threadNum()), team = Int(omp.numThreads())
                    let lo = job.n * t / team, hi = job.n * (t + 1) / team
                    if lo < hi { job.body(lo..<hi) }
                }, UnsafeMutableRawPointer(ptr), UInt32(threads), 0)
            }
            return
        }
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
