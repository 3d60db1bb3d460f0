import Testing
@testable import Ember

/// The allocators behind storages of 1 MiB and more and behind the kernels' scratch buffers give
/// freed memory back to the next request that fits, and hand out memory that is usable.
@Suite struct MemoryReuseTests {
    /// Other suites free large storages while this runs, so any block may be one of theirs: what
    /// is checked is that each fits (page-aligned, at least the size asked, at most a quarter more).
    @Test func largeBlocksComeBackForTheSameOrASlightlyLargerSize() {
        func fits(_ block: (pointer: UnsafeMutableRawPointer, size: Int), _ wanted: Int) -> Bool {
            Int(bitPattern: block.pointer) % 4096 == 0 && block.size >= wanted && block.size <= wanted + wanted / 4 + 4095
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

    @Test func scratchBuffersAreReusedWhenTheyFit() {
        let a = ScratchPool.take(1000)
        #expect(a.size >= 1000)
        ScratchPool.give(a)
        let b = ScratchPool.take(a.size / 2 + 1)
        #expect(b.size >= a.size / 2 + 1)
        ScratchPool.give(b)
    }
}
