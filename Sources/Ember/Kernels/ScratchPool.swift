import Foundation

/// Scratch memory the kernels' cached plans share: a plan takes a buffer for one run and gives it
/// back after, so the process holds what the largest run needs instead of what every cached plan
/// ever needed. (With a buffer kept per plan, MobileNetV2's convolution plans held 930 MB of
/// reordered activations after one training step.) Freed buffers are kept for reuse up to
/// `keptBytes`: buffers of 32 MiB and more come from `mmap`, and taking fresh ones each step would
/// fault and zero their pages again.
enum ScratchPool {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [(pointer: UnsafeMutableRawPointer, size: Int)] = []
    nonisolated(unsafe) private static var freeBytes = 0
    /// Free bytes kept for reuse; the largest free buffers go first beyond it.
    static let keptBytes = 256 << 20

    /// A 64-byte aligned buffer of at least `size` bytes: a free one no more than twice as large
    /// (the smallest such), else a new one. Give it back with `give`.
    static func take(_ size: Int) -> (pointer: UnsafeMutableRawPointer, size: Int) {
        let size = Swift.max(size, 1)
        lock.lock(); defer { lock.unlock() }
        var best: Int?
        for (i, b) in free.enumerated() where b.size >= size && b.size <= 2 * size && (best == nil || b.size < free[best!].size) {
            best = i
        }
        if let best {
            freeBytes -= free[best].size
            return free.remove(at: best)
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64), size)
    }

    /// Returns a buffer from `take` for reuse.
    static func give(_ buffer: (pointer: UnsafeMutableRawPointer, size: Int)) {
        lock.lock(); defer { lock.unlock() }
        free.append(buffer)
        freeBytes += buffer.size
        while freeBytes > keptBytes, let largest = free.indices.max(by: { free[$0].size < free[$1].size }) {
            freeBytes -= free[largest].size
            free.remove(at: largest).pointer.deallocate()
        }
    }
}
