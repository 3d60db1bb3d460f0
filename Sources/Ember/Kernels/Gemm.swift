import CDNNL

/// How a 2-D operand can be handed to sgemm without a copy: transposed or not, and its leading dim.
private func gemmLayout(_ t: Tensor, rows: Int, cols: Int) -> (trans: Bool, ld: Int)? {
    let s0 = t.strides[t.dim - 2], s1 = t.strides[t.dim - 1]
    if (s1 == 1 || cols <= 1) && s0 >= Swift.max(1, cols) { return (false, Swift.max(s0, Swift.max(1, cols))) }
    if (s0 == 1 || rows <= 1) && s1 >= Swift.max(1, rows) { return (true, Swift.max(s1, Swift.max(1, rows))) }
    return nil
}

/// `out[b] = a[b] @ bm[b]` for `batch` matrices: `a` is `[batch, m, k]`, `bm` `[batch, k, n]` (any
/// strides), `out` contiguous `[batch, m, n]`. Float32 goes to oneDNN: its matmul primitive for a
/// single product below 1024³ (see `MatmulPlan`), its JIT sgemm for larger ones and for each of a
/// batch; float64 and int64 run a vectorized Swift loop.
///
/// OpenBLAS is deliberately not used: Debian's build does not know this CPU's AVX-512 (several
/// times slower than oneDNN here), and its thread pool spins at start-up, stealing a core from
/// short programs such as the textbook's linear regression.
func gemmKernel(_ a: Tensor, _ bm: Tensor, _ out: Tensor, batch: Int, m: Int, k: Int, n: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 { out.fillRaw(0); return }
    switch out.dtype {
    case .float32 where m * n * k > 32768:
        var a = a, bm = bm
        var la = gemmLayout(a, rows: m, cols: k), lb = gemmLayout(bm, rows: k, cols: n)
        if la == nil { a = a.contiguousRaw(); la = gemmLayout(a, rows: m, cols: k) }
        if lb == nil { bm = bm.contiguousRaw(); lb = gemmLayout(bm, rows: k, cols: n) }
        let (ta, lda) = la!, (tb, ldb) = lb!
        let sa = a.dim == 3 ? a.strides[0] : 0, sb = bm.dim == 3 ? bm.strides[0] : 0
        let pa = a.pointer(as: Float.self), pb = bm.pointer(as: Float.self), po = out.pointer(as: Float.self)
        // Products from 1024³ on stay on sgemm: there its 40 ms first-call compile is noise and
        // the primitive measured 0.87–1.04× as fast (`ember bench gemm`, five runs).
        if batch == 1 && m * n * k < 1 << 30 {
            MatmulPlan.plan(.init(m: m, k: k, n: n, lda: lda, ldb: ldb, transA: ta, transB: tb)).run(pa, pb, po)
            return
        }
        let ca = SgemmFlag.of(transposed: ta), cb = SgemmFlag.of(transposed: tb)
        for i in 0..<batch {
            _ = dnnl_sgemm(ca, cb, Int64(m), Int64(n), Int64(k), 1, pa + i * sa, Int64(lda),
                           pb + i * sb, Int64(ldb), 0, po + i * m * n, Int64(n))
        }
    case .float32:
        // Tiny products (the textbook's linear regression): a plain loop beats a library call.
        loopGemm(Float.self, a, bm, out, batch: batch, m: m, k: k, n: n)
    case .float64:
        loopGemm(Double.self, a, bm.contiguousRaw(), out, batch: batch, m: m, k: k, n: n)
    case .int64:
        loopGemm(Int64.self, a, bm.contiguousRaw(), out, batch: batch, m: m, k: k, n: n)
    default:
        fatalError("gemm: \(out.dtype) is computed in a wider type")
    }
}

/// Row-by-row product, any strides: `out[i, :] += a[i, p] * b[p, :]`, which vectorizes over the
/// output row when `b` is row-major. Rows are split across the kernel threads.
private func loopGemm<T: Numeric>(_: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor,
                                  batch: Int, m: Int, k: Int, n: Int) {
    let pa = a.pointer(as: T.self), pb = b.pointer(as: T.self), po = out.pointer(as: T.self)
    let r = a.dim, s = b.dim
    let (a0, a1, ab) = (a.strides[r - 2], a.strides[r - 1], r == 3 ? a.strides[0] : 0)
    let (b0, b1, bb) = (b.strides[s - 2], b.strides[s - 1], s == 3 ? b.strides[0] : 0)
    parallelFor(batch * m, costPerItem: k * n) { rows in
        for row in rows {
            let t = row / m, i = row % m
            let o = po + row * n
            o.update(repeating: 0, count: n)
            for p in 0..<k {
                let av = pa[t * ab + i * a0 + p * a1], brow = pb + t * bb + p * b0
                if b1 == 1 {
                    for j in 0..<n { o[j] += av * brow[j] }
                } else {
                    for j in 0..<n { o[j] += av * brow[j * b1] }
                }
            }
        }
    }
}

/// `dnnl_sgemm`'s operand flags, BLAS's characters: "N" (as stored) and "T" (transposed).
enum SgemmFlag {
    static let n = CChar(UInt8(ascii: "N"))
    static let t = CChar(UInt8(ascii: "T"))
    static func of(transposed: Bool) -> CChar { transposed ? t : n }
}

/// `c = a · b` for row-major `n × n` float32 buffers through oneDNN's `dnnl_sgemm` called
/// directly: no tensors, no plan, no checks. The baseline `ember bench gemm` holds `matmul` to.
public func rawSgemm(n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
    _ = dnnl_sgemm(SgemmFlag.n, SgemmFlag.n, Int64(n), Int64(n), Int64(n), 1, a, Int64(n), b, Int64(n), 0, c, Int64(n))
}
