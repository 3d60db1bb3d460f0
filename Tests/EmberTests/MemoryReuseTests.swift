import Testing
@testable import Ember

/// The allocators behind storages of 1 MiB and more and behind the kernels' scratch buffers give
/// freed memory back to the next request that fits, and hand out memory that is usable.
@Suite struct MemoryReuseTests {
    /// Other suites free large storages while this runs, so any block may be one of theirs: what
    /// is checked is that each fits (page-aligned, at least the size asked, at most a sixteenth more).
    @Test func largeBlocksComeBackForTheSameOrASlightlyLargerSize() {
        func fits(_ block: (pointer: UnsafeMutableRawPointer, size: Int), _ wanted: Int) -> Bool {
            Int(bitPattern: block.pointer) % 4096 == 0 && block.size >= wanted && block.size <= wanted + wanted / 16 + 4095
        }
        let a = LargeBlocks.allocate(3 << 20)
        #expect(fits(a, 3 << 20))
        a.pointer.storeBytes(of: 7, as: Int.self)
        LargeBlocks.release(a.pointer, size: a.size)
        let b = LargeBlocks.allocate((3 << 20) - 100)
        #expect(fits(b, (3 << 20) - 100))
        let c = LargeBlocks.allocate(5 << 20)
        #expect(fits(c, 5 << 20))
        LargeBlocks.release(b.pointer, size: b.size)
        LargeBlocks.release(c.pointer, size: c.size)
    }

    @Test func largeStoragesHoldTheirValues() {
        let t = Tensor.arange(0, 1 << 19, dtype: .float32)  // 2 MiB
        let u = t * 2
        #expect(u[(1 << 19) - 1].item() == Double((1 << 19) - 1) * 2)
        #expect(Tensor.zeros([1 << 19]).sum().item() == 0)
    }

    /// A block too large for any kept one is made of kept blocks' pages (moved, not copied) and
    /// new ones; every byte of it, and of a block made again from its pieces, holds what is written.
    @Test func blocksMadeOfKeptPagesAreWholeMemory() {
        func filled(_ block: (pointer: UnsafeMutableRawPointer, size: Int), _ byte: UInt8) -> Bool {
            let bytes = block.pointer.assumingMemoryBound(to: UInt8.self)
            bytes.update(repeating: byte, count: block.size)
            return (0..<block.size).allSatisfy { bytes[$0] == byte }
        }
        let parts = [3 << 20, 5 << 20, (2 << 20) + 12345].map(LargeBlocks.allocate)
        for (i, p) in parts.enumerated() { #expect(filled(p, UInt8(i + 1))) }
        parts.forEach { LargeBlocks.release($0.pointer, size: $0.size) }
        let whole = LargeBlocks.allocate(37 << 20)
        #expect(filled(whole, 9))
        LargeBlocks.release(whole.pointer, size: whole.size)
        let again = [(7 << 20) + 1, 11 << 20, 20 << 20].map(LargeBlocks.allocate)
        for (i, p) in again.enumerated() { #expect(filled(p, UInt8(20 + i))) }
        again.forEach { LargeBlocks.release($0.pointer, size: $0.size) }
    }

    /// Blocks cut from a larger kept one are whole memory and do not overlap.
    @Test func blocksSplitFromALargerOneAreDisjoint() {
        let big = LargeBlocks.allocate(9 << 20)
        LargeBlocks.release(big.pointer, size: big.size)
        let a = LargeBlocks.allocate(2 << 20), b = LargeBlocks.allocate(6 << 20)
        let bytesA = a.pointer.assumingMemoryBound(to: UInt8.self), bytesB = b.pointer.assumingMemoryBound(to: UInt8.self)
        bytesA.update(repeating: 1, count: a.size)
        bytesB.update(repeating: 2, count: b.size)
        #expect((0..<a.size).allSatisfy { bytesA[$0] == 1 })
        #expect((0..<b.size).allSatisfy { bytesB[$0] == 2 })
        LargeBlocks.release(a.pointer, size: a.size)
        LargeBlocks.release(b.pointer, size: b.size)
    }

    @Test func scratchBuffersOfEverySizeAreUsable() {
        for size in [1000, 3 << 20] {
            let b = ScratchPool.take(size)
            #expect(b.size >= size)
            b.pointer.storeBytes(of: 7, toByteOffset: size - 8, as: Int.self)
            #expect(b.pointer.load(fromByteOffset: size - 8, as: Int.self) == 7)
            ScratchPool.give(b)
        }
    }
}
