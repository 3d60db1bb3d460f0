import Foundation

/// A flat, untyped, reference-counted block of memory that tensors view.
/// Shared across threads on purpose (a tensor built by a loader worker is read by the training
/// thread), so it is `@unchecked Sendable`: callers order their accesses as PyTorch's do.
public final class Storage: @unchecked Sendable {
    /// Start of the memory.
    public let data: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    /// The mapping to undo instead of freeing `data`, for storage mapped from a file.
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?
    /// The size of the `LargeBlocks` block holding `data`, or 0 for memory from malloc.
    private let blockSize: Int

    /// Allocates `byteCount` bytes, 64-byte aligned, uninitialized.
    init(byteCount: Int) {
        _ = Storage.heapKept
        self.byteCount = byteCount
        if byteCount >= LargeBlocks.threshold {
            (data, blockSize) = LargeBlocks.allocate(byteCount)
        } else {
            data = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
            blockSize = 0
        }
        mapping = nil
    }

    /// Allocates `byteCount` bytes as `init(byteCount:)` does, or nil when the system has no memory
    /// for them: for sizes read from files, which must fail with an error rather than stop the
    /// process. (Blocks under `LargeBlocks.threshold` come from malloc as usual.)
    convenience init?(ifPossibleByteCount byteCount: Int) {
        guard byteCount >= LargeBlocks.threshold else {
            self.init(byteCount: byteCount)
            return
        }
        guard let block = LargeBlocks.allocateIfPossible(byteCount) else { return nil }
        self.init(block: block, byteCount: byteCount)
    }

    /// `byteCount` bytes at the start of a `LargeBlocks` block.
    private init(block: (pointer: UnsafeMutableRawPointer, size: Int), byteCount: Int) {
        _ = Storage.heapKept
        self.byteCount = byteCount
        (data, blockSize) = block
        mapping = nil
    }

    /// `byteCount` bytes of the file at `path` from `offset`, mapped copy-on-write: reading them
    /// takes the page cache's pages without copying 47 MB (Fashion-MNIST's training images: a
    /// `read` took 28 ms, the mapping under 1), and writes stay private to this process. The
    /// file must not shrink while mapped (reads past its end would fault), so this is for files
    /// Ember wrote and never changes, `DecompressedCache`'s. Nil when the mapping fails.
    init?(mapping path: String, offset: Int, byteCount: Int) {
        guard let file = try? RegularFile(path) else { return nil }
        let fd = file.fd, length = offset + byteCount
        guard file.size >= length else { return nil }
        // Populated read-only, then made writable: populating a writable private mapping copies
        // every page up front (24 ms for these 47 MB); this way only written pages are copied.
        guard byteCount > 0, let base = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED
        else { return nil }
        guard mprotect(base, length, PROT_READ | PROT_WRITE) == 0 else {
            munmap(base, length)
            return nil
        }
        self.byteCount = byteCount
        data = base + offset
        mapping = (base, length)
        blockSize = 0
    }

    /// Keeps freed blocks up to 32 MiB in malloc's heap instead of returning them to the system:
    /// a training step frees and reallocates the same activation sizes every step, and with
    /// glibc's defaults each of them came back as fresh pages, faulted in and zeroed by the
    /// kernel (measured at 15% of a LeNet step). Set once, before the first tensor.
    private static let heapKept: Void = {
        _ = mallopt(mallocMmapThreshold, 32 << 20)
        _ = mallopt(mallocTrimThreshold, 256 << 20)
    }()

    /// Allocates zero-filled memory.
    convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        memset(data, 0, byteCount)
    }

    deinit {
        if let mapping {
            munmap(mapping.base, mapping.length)
        } else if blockSize > 0 {
            LargeBlocks.release(data, size: blockSize)
        } else {
            data.deallocate()
        }
    }
}

// glibc's `mallopt` and its parameters (malloc.h, which the Glibc module does not import).
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let mallocTrimThreshold: Int32 = -1
private let mallocMmapThreshold: Int32 = -3

/// Counts in-place writes to a tensor and its views, so autograd can tell that a tensor saved for
/// backward was modified. `.data` gets a counter of its own, as in PyTorch.
final class VersionCounter: @unchecked Sendable {
    @exclusivity(unchecked) var value = 0
}
