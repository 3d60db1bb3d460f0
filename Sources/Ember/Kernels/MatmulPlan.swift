import CDNNL
import Foundation

/// A oneDNN matmul primitive for one float32 product shape and operand layout, created on first
/// use and cached for the process. `gemmKernel` takes it instead of `dnnl_sgemm` for products with
/// a transposed right operand: a linear layer's forward, `input @ weight.t()`. There oneDNN 2.6's
/// batch-reduce matmul kernel beat its sgemm by 11–14% on the MLP's 256×784×256 and 256×256×128
/// products and by ~20% on its small 10-wide ones, timed alternately call by call; for the other
/// layouts (the backward products) the two were even or sgemm ahead, so those stay on sgemm.
/// Shared across threads, so each run holds the plan's lock (uncontended in a training loop).
final class MatmulPlan: @unchecked Sendable {
    /// Rows and columns of the product, the inner size, and each operand's row stride.
    struct Shape: Hashable {
        let m, k, n, lda, ldb: Int
    }

    private let lock = NSLock()
    private let primitive: dnnl_primitive_t
    private let a, b, c, scratchpadDesc: dnnl_memory_desc_t
    private let scratchpad: UnsafeMutableRawPointer

    private static let cache = PlanCache<Shape, MatmulPlan> { MatmulPlan($0) }

    /// The cached plan of `shape`: `a` is `[m, k]` row-major with row stride `lda`, `b` is `[k, n]`
    /// stored transposed (column stride `ldb`), the product `[m, n]` contiguous.
    static func plan(_ shape: Shape) -> MatmulPlan { cache.plan(shape) }

    private init(_ s: Shape) {
        a = DNNL.stridedDesc([s.m, s.k], [s.lda, 1])
        b = DNNL.stridedDesc([s.k, s.n], [1, s.ldb])
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
