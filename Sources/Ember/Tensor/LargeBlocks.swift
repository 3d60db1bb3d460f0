import Foundation

/// Memory for storages and scratch buffers of 1 MiB and more: whole pages from `mmap`, kept when
/// freed for the next request. A training step allocates the same sizes in much the same order
/// every step, so from the second step on its memory comes back resident, with no page faults and
/// no zeroing by the kernel; and since each block is its own mapping, blocks neither fragment
/// malloc's heap nor keep other memory from being returned. (Through glibc's heap with a 32 MiB
/// mmap threshold, ResNet-18's training held 1.1 GB for 0.6 GB of live tensors; through fresh
/// mappings each time it held 0.7 GB but trained a quarter slower.)
///
/// A request takes a kept block of its size or at most a sixteenth larger. When there is none and
/// the blocks held (live and kept) would stay within the most that were ever live at once (and
/// `slackBytes`), it gets new memory. Past that, it takes the first part of the smallest kept block
/// at least 1 MiB larger, whose rest stays kept as a block of its own (a split costs no system
/// call); else the kept blocks' pages are moved (`mremap`, which moves page-table entries, not
/// bytes) into a new mapping of the size asked, and only what they cannot cover is new memory. So
/// memory freed by a backward pass in one set of sizes serves the next forward pass's other sizes,
/// and the resident size stays at the most the live blocks ever needed. (Before the moves, kept
/// blocks of unmatched sizes sat beside new ones: GoogLeNet's step held 235 MiB of them at its
/// peak. Moving pages whenever any were kept, below that peak too, cut a step's blocks into ever
/// other sizes: DenseNet's evaluation step moved pages 900 times, and its training and evaluation
/// ran a fifth slower.)
enum LargeBlocks {
    /// Storages of this many bytes or more come from here.
    static let threshold = 1 << 20
    /// Bytes of freed blocks kept for reuse; a freed block past it goes back to the system.
    /// VGG-11's step frees about 800 MiB of activations and gradients, all taken again next step.
    static let keptBytes = 1 << 30
    /// The most mappings a block is made of. Each is one of the kernel's memory areas, of which a
    /// process may have 65,530 (the kernel merges neighbouring ones: 20 steps of GoogLeNet peaked at
    /// 2,217 areas). With at most 256 a GoogLeNet step mapped 36 MiB more than it held.
    static let maxPieces = 1024
    /// What the blocks held may pass the most ever live by before kept blocks are split or moved:
    /// room for a step whose sizes come back in another order than they were freed. The LSTM
    /// benchmark's step (22 MiB at its peak) took 1.1 MiB where a 1.2 MiB block was kept, so its
    /// own 1.2 MiB request split a 4.4 MiB block that the next request then put back together with
    /// 10 `mremap` calls, every step (each flushing the other core's TLB: 5% of the main thread).
    /// A sixteenth of the peak instead held ResNet-18, DenseNet, GoogLeNet and MobileNetV2 at 5%
    /// more memory, and was too little for the LSTM step once it stopped making the projection.
    static let slackBytes = 8 << 20

    private static let lock = NSLock()
    /// Freed blocks by size.
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var freeBytes = 0
    /// Bytes of blocks handed out and not given back, and the most there ever were.
    nonisolated(unsafe) private static var liveBytes = 0, mostLiveBytes = 0
    /// The lengths of the mappings a block is made of, in address order, for blocks of more than
    /// one (`mremap` moves pages within one mapping only).
    nonisolated(unsafe) private static var pieces: [UnsafeMutableRawPointer: [Int]] = [:]

    /// `byteCount` rounded up to whole pages: the size blocks are kept and matched by.
    static func blockSize(_ byteCount: Int) -> Int { (byteCount + 4095) & ~4095 }

    /// A page-aligned block of at least `byteCount` bytes and its size. Stops the process when the
    /// system has no memory left, as `malloc` failing does.
    static func allocate(_ byteCount: Int) -> (pointer: UnsafeMutableRawPointer, size: Int) {
        guard let block = allocateIfPossible(byteCount) else {
            fatalError("out of memory: could not map \(blockSize(byteCount)) bytes for a tensor")
        }
        return block
    }

    /// `allocate`, or nil when the system refuses the mapping (for sizes that come from outside).
    static func allocateIfPossible(_ byteCount: Int) -> (pointer: UnsafeMutableRawPointer, size: Int)? {
        guard byteCount <= Int.max - 4095 else { return nil }
        let wanted = blockSize(byteCount)
        lock.lock(); defer { lock.unlock() }
        if let size = free.keys.filter({ $0 >= wanted && $0 <= wanted + wanted / 16 }).min() {
            handOut(size)
            return (take(size), size)
        }
        handOut(wanted)
        // While what is held stays within the most that was ever live (and `slackBytes`), new
        // memory costs no more than the peak already did; past that, kept blocks are split or
        // their pages moved.
        let roomy = liveBytes + freeBytes <= mostLiveBytes + slackBytes
        if !roomy, let size = free.keys.filter({ $0 >= wanted + threshold }).min() {
            let p = take(size)
            split(p, size, at: wanted)
            return (p, wanted)
        }
        guard let p = mmap(nil, wanted, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            liveBytes -= wanted
            return nil
        }
        if freeBytes > 0 && !roomy { recycle(into: p, wanted) }
        return (p, wanted)
    }

    /// Takes back a block from `allocate`, with the size it gave: kept when there is room, else
    /// returned to the system. The blocks already kept stay: a step allocates its sizes in the same
    /// order every time, and evicting the longest-kept (the ones needed soonest) made every
    /// allocation past the limit miss (MobileNetV2 spent a quarter of its step in page faults).
    static func release(_ pointer: UnsafeMutableRawPointer, size: Int) {
        lock.lock(); defer { lock.unlock() }
        liveBytes -= size
        guard freeBytes + size <= keptBytes else {
            munmap(pointer, size)
            pieces[pointer] = nil
            return
        }
        keep(pointer, size)
    }

    /// Keeps the free block at `p` of `size` bytes for the next request that fits (under `lock`).
    private static func keep(_ p: UnsafeMutableRawPointer, _ size: Int) {
        free[size, default: []].append(p)
        freeBytes += size
    }

    /// Counts `size` bytes handed out (under `lock`).
    private static func handOut(_ size: Int) {
        liveBytes += size
        mostLiveBytes = Swift.max(mostLiveBytes, liveBytes)
    }

    /// A kept block of exactly `size` bytes, no longer kept (under `lock`).
    private static func take(_ size: Int) -> UnsafeMutableRawPointer {
        let p = free[size]!.removeLast()
        if free[size]!.isEmpty { free[size] = nil }
        freeBytes -= size
        return p
    }

    /// Splits the block at `p` of `size` bytes after its first `n` (no system call: a block is one
    /// range of addresses, whatever mappings it is made of) and keeps the rest as a block of its
    /// own (under `lock`).
    private static func split(_ p: UnsafeMutableRawPointer, _ size: Int, at n: Int) {
        var parts = pieces.removeValue(forKey: p) ?? [size], head: [Int] = [], covered = 0
        while covered < n {
            let part = parts.removeFirst()
            head.append(Swift.min(part, n - covered))
            if part > n - covered { parts.insert(part - (n - covered), at: 0) }
            covered += head.last!
        }
        if head.count > 1 { pieces[p] = head }
        if parts.count > 1 { pieces[p + n] = parts }
        keep(p + n, size - n)
    }

    /// Moves the pages of kept blocks, the largest first, over the new mapping `p` of `size`
    /// bytes from its start, until it is covered or made of `maxPieces` mappings; what is left of
    /// the last block used is kept when it is 1 MiB or more, else unmapped (under `lock`).
    private static func recycle(into p: UnsafeMutableRawPointer, _ size: Int) {
        var filled = 0, made: [Int] = []
        while filled < size, made.count < maxPieces - 1, let largest = free.keys.max() {
            let q = take(largest)
            var parts = pieces.removeValue(forKey: q) ?? [largest], moved = 0
            while filled < size, made.count < maxPieces - 1, let part = parts.first {
                let n = Swift.min(part, size - filled)
                guard remapPages(q + moved, n, n, remapMayMove | remapFixed, p + filled) != MAP_FAILED else { break }
                made.append(n)
                (filled, moved) = (filled + n, moved + n)
                if n == part { parts.removeFirst() } else { parts[0] -= n }
            }
            let rest = largest - moved
            if rest >= threshold {
                keep(q + moved, rest)
                if parts.count > 1 { pieces[q + moved] = parts }
            } else if rest > 0 {
                munmap(q + moved, rest)
            }
            if moved == 0 { break }
        }
        if filled < size { made.append(size - filled) }
        if made.count > 1 { pieces[p] = made }
    }
}

// Linux's `mremap` (variadic in C, so not imported) and its flags.
@_silgen_name("mremap") private func remapPages(_ old: UnsafeMutableRawPointer, _ oldSize: Int, _ newSize: Int, _ flags: Int32,
                                                 _ new: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer?
private let remapMayMove: Int32 = 1
private let remapFixed: Int32 = 2
