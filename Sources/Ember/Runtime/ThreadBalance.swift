import Dispatch
import Synchronization

/// The kernel threads' relative speeds, learned from the loops that run through
/// `balancedParallelFor`, so that the next such loop gives a thread that finished early more of
/// the work. On the 2-vCPU VM Ember is measured on, one vCPU ran 1.3–1.5× slower than the other
/// for seconds at a time (host contention: no steal time in `/proc/stat`), which vCPU changing
/// from run to run; a recurrent layer's parts, split evenly, then left the fast thread idle for a
/// third of each call.
enum ThreadBalance {
    /// Each part's share of the work (summing to 1), for the part count it was learned with.
    private static let learned = Mutex<[Double]>([])

    /// How far one measurement moves the shares toward what it shows: the slow spells last
    /// hundreds of calls, a single call's time is noisy.
    static let rate = 0.3

    /// The shares for `parts` threads: the learned ones, or equal ones.
    static func shares(_ parts: Int) -> [Double] {
        let shares = learned.withLock { $0 }
        return shares.count == parts ? shares : equal(parts)
    }

    private static func equal(_ parts: Int) -> [Double] { Array(repeating: 1 / Double(parts), count: parts) }

    /// Replaces the learned shares (tests use it to force uneven splits): scaled to sum to 1, or
    /// forgotten when any is negative or not finite.
    static func set(_ shares: [Double]) {
        let total = shares.reduce(0, +)
        let valid = shares.allSatisfy { $0.isFinite && $0 >= 0 } && total > 0 && total.isFinite
        learned.withLock { $0 = valid ? shares.map { $0 / total } : [] }
    }

    /// Moves the shares toward the speeds shown by one loop: part `k` (run by OpenMP thread `k`
    /// when the team has a thread per part) did `ranges[k]` in `seconds[k]`.
    static func record(_ ranges: [Range<Int>], _ seconds: [Double]) {
        learned.withLock { learned in
            learned = updated(learned.count == ranges.count ? learned : equal(ranges.count), ranges, seconds)
        }
    }

    /// `0..<n` split into `shares.count` contiguous ranges sized by `shares`, each at least one
    /// item long; `n` must hold an item per share.
    static func split(_ n: Int, shares: [Double]) -> [Range<Int>] {
        let parts = shares.count
        precondition(parts > 0 && n >= parts && shares.allSatisfy(\.isFinite), "split: \(n) items for \(parts) parts")
        var bounds = [0], bound = 0, total = 0.0
        for k in 0..<parts - 1 {
            total += shares[k]
            // At least one item for this part and for each part after it.
            bound = Swift.min(Swift.max(Int((Double(n) * total).rounded()), bound + 1), n - (parts - 1 - k))
            bounds.append(bound)
        }
        bounds.append(n)
        return (0..<parts).map { bounds[$0]..<bounds[$0 + 1] }
    }

    /// `shares` moved by `rate` toward the threads' speeds (items per second) in one loop.
    static func updated(_ shares: [Double], _ ranges: [Range<Int>], _ seconds: [Double]) -> [Double] {
        let speeds = zip(ranges, seconds).map { Double($0.count) / Swift.max($1, 1e-9) }
        let total = speeds.reduce(0, +)
        guard total > 0, total.isFinite else { return shares }
        return shares.indices.map { shares[$0] + rate * (speeds[$0] / total - shares[$0]) }
    }
}

/// Runs `body(part, range)` on `parts` (at most one per item) contiguous parts of `0..<n` in
/// parallel, the parts sized by the threads' measured speeds (`ThreadBalance`), and records how
/// long each took. For loops with one part per kernel thread whose parts cannot be cut into
/// independent chunks (a recurrent layer's rows, each running the whole sequence). The results
/// must not depend on where the boundaries fall: they move from call to call.
func balancedParallelFor(_ n: Int, parts: Int, _ body: (Int, Range<Int>) -> Void) {
    let parts = Swift.max(1, Swift.min(parts, n))
    guard parts > 1 else { return body(0, 0..<n) }
    let ranges = ThreadBalance.split(n, shares: ThreadBalance.shares(parts))
    var seconds = [Double](repeating: 0, count: parts)
    seconds.withUnsafeMutableBufferPointer { seconds in
        parallelFor(parts, costPerItem: 1 << 20) { chunk in
            for k in chunk {
                let start = DispatchTime.now().uptimeNanoseconds
                body(k, ranges[k])
                seconds[k] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
        }
    }
    ThreadBalance.record(ranges, seconds)
}

/// Runs `body(thread, range)` over `0..<n` in chunks of `chunk` items that up to `threads` threads
/// take as each comes free (OpenMP's dynamic schedule; `thread` is the taker's index, below
/// `threads`), so that a slower thread takes fewer. For loops whose chunks are independent and
/// each long enough to dwarf taking it; the results must not depend on which thread runs a chunk.
func dynamicParallelFor(_ n: Int, chunk: Int, threads: Int, _ body: (Int, Range<Int>) -> Void) {
    let chunks = (n + chunk - 1) / chunk, next = Atomic<Int>(0)
    parallelFor(Swift.max(1, Swift.min(threads, chunks)), costPerItem: 1 << 20) { threads in
        for thread in threads {
            while case let c = next.wrappingAdd(1, ordering: .relaxed).oldValue, c < chunks {
                body(thread, c * chunk..<Swift.min(n, (c + 1) * chunk))
            }
        }
    }
}
