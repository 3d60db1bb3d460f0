/// Scratch memory the kernels' cached plans share: a plan takes a buffer for one run and gives it
/// back after, so the process holds what the largest run needs instead of what every cached plan
/// ever needed. (With a buffer kept per plan, MobileNetV2's convolution plans held 930 MB of
/// reordered activations after one training step.) Buffers of 1 MiB and more come from
/// `LargeBlocks`, so the pages a backward pass's scratch used serve the next forward pass's
/// tensors and the other way round; smaller ones from malloc.
enum ScratchPool {
    /// A 64-byte aligned buffer of at least `size` bytes. Give it back with `give`.
    static func take(_ size: Int) -> (pointer: UnsafeMutableRawPointer, size: Int) {
        if size >= LargeBlocks.threshold { return LargeBlocks.allocate(size) }
        return (UnsafeMutableRawPointer.allocate(byteCount: Swift.max(size, 1), alignment: 64), size)
    }

    /// Returns a buffer from `take`.
    static func give(_ buffer: (pointer: UnsafeMutableRawPointer, size: Int)) {
        if buffer.size >= LargeBlocks.threshold {
            LargeBlocks.release(buffer.pointer, size: buffer.size)
        } else {
            buffer.pointer.deallocate()
        }
    }
}
