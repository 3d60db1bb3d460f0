import Foundation

/// A flat, untyped, reference-counted block of memory that tensors view.
/// Shared across threads on purpose (a tensor built by a loader worker is read by the training
/// thread), so it is `@unchecked Sendable`: callers order their accesses as PyTorch's do.
public final class Storage: @unchecked Sendable {
    /// Start of the memory.
    public let data: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    /// Allocates `byteCount` bytes, 64-byte aligned, uninitialized.
    init(byteCount: Int) {
        self.byteCount = byteCount
        data = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
    }

    /// Allocates zero-filled memory.
    convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        memset(data, 0, byteCount)
    }

    deinit { data.deallocate() }
}

/// Counts in-place writes to a tensor and its views, so autograd can tell that a tensor saved for
/// backward was modified. `.data` gets a counter of its own, as in PyTorch.
final class VersionCounter: @unchecked Sendable {
    @exclusivity(unchecked) var value = 0
}
