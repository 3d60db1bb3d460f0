/// Room for `count` floats starting on a cache line (64 bytes), as `Storage` allocates tensors.
/// Kernel buffers allocated this way keep every row of a cache-line-multiple length on line
/// boundaries: oneDNN's sgemm ran ResNet-18 stage 4's products 1.3-1.5× slower (C harness) and
/// FewChannelConv's loops a third slower on buffers that start mid-line, as `malloc`'s 16-byte
/// alignment leaves them. Free with `deallocate()`.
func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        .bindMemory(to: Float.self, capacity: count)
}
