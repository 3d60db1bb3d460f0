import CDNNL
import Foundation

/// A oneDNN matmul primitive for one float32 product shape and operand layout, created on first
/// use and cached for the process. `gemmKernel` takes it for single (unbatched) products below 1024³.
/// Timed alternately call by call against `dnnl_sgemm` on the MLP's products (a C harness), the
/// batch-reduce matmul kernel was 0.82–1.45× as fast per shape and even over a whole step
/// (1.90 against 1.95 ms for the eleven products); what decides is start-up: sgemm's first call
/// JIT-compiles all its kernels (36–65 ms, the largest part of a textbook program's time to its
/// first step), a matmul primitive only its own (~1 ms per shape).
/// Shared across threads, so each run holds the plan's lock (uncontended in a training loop).
final class MatmulPlan: @unchecked Sendable {
    /// Rows and columns of the product, the inner size, each operand's leading dimension, and
    /// whether each is stored transposed (`a` as `[k, m]`, `b` as `[n, k]`).
    struct Shape: Hashable {
        let m, k, n, lda, ldb: Int
        let transA, transB: Bool
    }

    private let lock = NSLock()
    private let primitive: dnnl_primitive_t
    private let a, b, c, scratchpadDesc: dnnl_memory_desc_t
    private let scratchpad: UnsafeMutableRawPointer

    private static let cache = PlanCache<Shape, MatmulPlan> { MatmulPlan($0) }

    /// The cached plan of `shape`: `a` is `[m, k]` and `b` `[k, n]`, each row-major with row stride
    /// `ld` or, when transposed, column-major with column stride `ld`; the product `[m, n]`
    /// contiguous.
    static func plan(_ shape: Shape) -> MatmulPlan { cache.plan(shape) }

    private init(_ s: Shape) {
        a = DNNL.stridedDesc([s.m, s.k], s.transA ? [1, s.lda] : [s.lda, 1])
        b = DNNL.stridedDesc([s.k, s.n], s.transB ? [1, s.ldb] : [s.ldb, 1])
        c = DNNL.stridedDesc([s.m, s.n], [s.n, 1])
        var desc = dnnl_matmul_desc_t(), (ad, bd, cd) = (a, b, c)
        DNNL.expectSuccess(dnnl_matmul_desc_init(&desc, &ad, &bd, nil, &cd), "matmul desc")
        var pd: dnnl_primitive_desc_t?
        let attr = DNNL.userScratchpadAttributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        DNNL.expectSuccess(withUnsafePointer(to: &desc) { dnnl_primitive_desc_create(&pd, UnsafeRawPointer($0), attr, DNNL.engine, nil) },
                           "matmul primitive desc")
        defer { dnnl_primitive_desc_destroy(pd) }
        var prim: dnnl_primitive_t?
        DNNL.expectSuccess(dnnl_primitive_create(&prim, pd), "matmul primitive")
        primitive = prim!
        scratchpadDesc = DNNL.scratchpad(of: pd!)
        var sd = scratchpadDesc
        scratchpad = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(dnnl_memory_desc_get_size(&sd), 1), alignment: 64)
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        scratchpad.deallocate()
    }

    /// `out = a @ b` on the buffers this plan's shape describes.
    func run(_ pa: UnsafePointer<Float>, _ pb: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        lock.lock(); defer { lock.unlock() }
        ThreadState.current.dnnlStream.execute("matmul", primitive, [
            (DNNL_ARG_SRC, a, UnsafeMutableRawPointer(mutating: pa)), (DNNL_ARG_WEIGHTS, b, UnsafeMutableRawPointer(mutating: pb)),
            (DNNL_ARG_DST, c, UnsafeMutableRawPointer(out)), (DNNL_ARG_SCRATCHPAD, scratchpadDesc, scratchpad),
        ])
    }
}
