import CBLAS
import CDNNL

/// How a 2-D operand can be handed to BLAS without a copy: transposed or not, and its leading dim.
private func blasLayout(_ t: Tensor, rows: Int, cols: Int) -> (trans: Bool, ld: Int)? {
    let s0 = t.strides[t.dim - 2], s1 = t.strides[t.dim - 1]
    if (s1 == 1 || cols <= 1) && s0 >= Swift.max(1, cols) { return (false, Swift.max(s0, Swift.max(1, cols))) }
    if (s0 == 1 || rows <= 1) && s1 >= Swift.max(1, rows) { return (true, Swift.max(s1, Swift.max(1, rows))) }
    return nil
}

/// `out[b] = a[b] @ bm[b]` for `batch` matrices: `a` is `[batch, m, k]`, `bm` `[batch, k, n]` (any
/// strides whose innermost two dims BLAS accepts, else copied), `out` contiguous `[batch, m, n]`;
/// float32 and float64 go to OpenBLAS.
func gemmKernel(_ a: Tensor, _ bm: Tensor, _ out: Tensor, batch: Int, m: Int, k: Int, n: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 { out.fillRaw(0); return }
    var a = a, bm = bm
    var la = blasLayout(a, rows: m, cols: k), lb = blasLayout(bm, rows: k, cols: n)
    if la == nil { a = a.contiguousRaw(); la = blasLayout(a, rows: m, cols: k) }
    if lb == nil { bm = bm.contiguousRaw(); lb = blasLayout(bm, rows: k, cols: n) }
    let (ta, lda) = la!, (tb, ldb) = lb!
    let sa = a.dim == 3 ? a.strides[0] : 0, sb = bm.dim == 3 ? bm.strides[0] : 0
    let transA = ta ? CblasTrans : CblasNoTrans, transB = tb ? CblasTrans : CblasNoTrans
    if m * n * k <= 4096 && out.dtype.isFloatingPoint {
        // Tiny products (the textbook's linear regression): a plain loop beats waking BLAS threads.
        if out.dtype == .float32 { loopGemm(Float.self, a, bm, out, batch: batch, m: m, k: k, n: n) }
        else { loopGemm(Double.self, a, bm, out, batch: batch, m: m, k: k, n: n) }
        return
    }
    switch out.dtype {
    case .float32:
        // oneDNN's JIT sgemm (what PyTorch uses on CPU); Debian's OpenBLAS does not know this CPU's
        // AVX-512 and runs several times slower.
        let pa = a.pointer(as: Float.self), pb = bm.pointer(as: Float.self), po = out.pointer(as: Float.self)
        let ca: CChar = ta ? 84 : 78, cb: CChar = tb ? 84 : 78  // "T" / "N"
        for i in 0..<batch {
            _ = dnnl_sgemm(ca, cb, Int64(m), Int64(n), Int64(k), 1, pa + i * sa, Int64(lda),
                           pb + i * sb, Int64(ldb), 0, po + i * m * n, Int64(n))
        }
    case .float64:
        let pa = a.pointer(as: Double.self), pb = bm.pointer(as: Double.self), po = out.pointer(as: Double.self)
        for i in 0..<batch {
            cblas_dgemm(CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1,
                        pa + i * sa, Int32(lda), pb + i * sb, Int32(ldb), 0, po + i * m * n, Int32(n))
        }
    case .int64:
        loopGemm(Int64.self, a, bm, out, batch: batch, m: m, k: k, n: n)
    default:
        fatalError("gemm: \(out.dtype) is computed in a wider type")
    }
}

/// Direct triple loop, any strides: tiny float products, and integers (which BLAS lacks).
private func loopGemm<T: Numeric>(_: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor,
                                               batch: Int, m: Int, k: Int, n: Int) {
    let pa = a.pointer(as: T.self), pb = b.pointer(as: T.self), po = out.pointer(as: T.self)
    let r = a.dim, s = b.dim
    let (a0, a1, ab) = (a.strides[r - 2], a.strides[r - 1], r == 3 ? a.strides[0] : 0)
    let (b0, b1, bb) = (b.strides[s - 2], b.strides[s - 1], s == 3 ? b.strides[0] : 0)
    for t in 0..<batch {
        for i in 0..<m {
            for j in 0..<n {
                var acc: T = 0
                for p in 0..<k { acc += pa[t * ab + i * a0 + p * a1] * pb[t * bb + p * b0 + j * b1] }
                po[(t * m + i) * n + j] = acc
            }
        }
    }
}
