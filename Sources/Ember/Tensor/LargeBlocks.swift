import Foundation

/// Memory for storages of 1 MiB and more: whole pages from `mmap`, kept when freed for the next
/// storage of the same size. A training step allocates the same activation and gradient sizes
/// in the same order every step, so from the second step on they come back resident, with no page
/// faults and no zeroing by the kernel; and since each block is its own mapping, blocks neither
/// fragment malloc's heap nor keep other memory from being returned. (Through glibc's heap with a
/// 32 MiB mmap threshold, ResNet-18's training held 1.1 GB for 0.6 GB of live tensors; through
/// fresh mappings each time it held 0.7 GB but trained a quarter slower.)
///
/// Freed blocks are kept up to `keptBytes`; beyond that a freed block goes back to the system.
/// (ResNet-18's peak resident size went from 1093 to 815 MiB, and it trains no slower.)
enum LargeBlocks {
    /// Storages of this many bytes or more come from here.
    static let threshold = 1 << 20
    /// Bytes of freed blocks kept for reuse. DenseNet's step frees and reallocates more than
    /// 256 MiB of distinct sizes: with that limit it trained at 110–115 samples/s instead of 145,
    /// page-faulting a third of the time; its peak resident size was the same at 256 and 512.
    static let keptBytes = 512 << 20

    private static let lock = NSLock()
    /// Freed blocks by size.
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var freeBytes = 0

    /// `byteCount` rounded up to whole pages: the size blocks are kept and matched by.
    static func blockSize(_ byteCount: Int) -> Int { (byteCount + 4095) & ~4095 }

    /// A page-aligned block of at least `byteCount` bytes and its size: the smallest kept block
    /// no more than a quarter larger (DenseNet's concatenations grow by a few channels a layer),
    /// else a new mapping. Stops the process when the system has no memory left, as `malloc`
    /// failing does.
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
        lock.lock()
        if let size = free.keys.filter({ $0 >= wanted && $0 <= wanted + wanted / 4 && !free[$0]!.isEmpty }).min(),
           let p = free[size]?.popLast() {
            freeBytes -= size
            lock.unlock()
            return (p, size)
        }
        lock.unlock()
        guard let p = mmap(nil, wanted, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            return nil
        }
        return (p, wanted)
    }

    /// Takes back a block from `allocate`, with the size it gave: kept when there is room, else
    /// returned to the system. The blocks already kept stay: a step allocates its sizes in the same
    /// order every time, and evicting the longest-kept (the ones needed soonest) made every
    /// allocation past the limit miss (MobileNetV2 spent a quarter of its step in page faults).
    static func release(_ pointer: UnsafeMutableRawPointer, size: Int) {
        lock.lock()
        guard freeBytes + size <= keptBytes else {
            lock.unlock()
            munmap(pointer, size)
            return
        }
        free[size, default: []].append(pointer)
        freeBytes += size
        lock.unlock()
    }
}
