import Foundation

/// LAPACK's double-precision routines from the OpenBLAS that `scripts/bootstrap` installs, loaded on
/// first use: linking OpenBLAS would start its thread pool in every program (see `gemmKernel`), and
/// only the `linalg` functions need it. Its threads are limited to one unless
/// `OPENBLAS_NUM_THREADS` says otherwise: the matrices here are small, and the cores belong to the
/// OpenMP team the other kernels use.
///
/// Every routine works on column-major matrices; the helpers take and return row-major `[Double]`
/// arrays, transposing on the way. The Fortran ABI passes every argument by pointer and each
/// character argument's length at the end.
enum LAPACK {
    /// The library's handle: written once by the lazy initializer, only read after (hence
    /// `nonisolated(unsafe)`).
    nonisolated(unsafe) private static let library: UnsafeMutableRawPointer? = {
        if getenv("OPENBLAS_NUM_THREADS") == nil { setenv("OPENBLAS_NUM_THREADS", "1", 0) }
        return dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL) ?? dlopen("liblapack.so.3", RTLD_NOW | RTLD_LOCAL)
    }()

    private static func function<T>(_ name: String, _: T.Type) -> T {
        guard let library, let symbol = dlsym(library, name) else {
            fatalError("linalg: LAPACK's \(name) was not found (scripts/bootstrap installs libopenblas-dev)")
        }
        return unsafeBitCast(symbol, to: T.self)
    }

    typealias I = UnsafeMutablePointer<Int32>
    typealias D = UnsafeMutablePointer<Double>
    typealias C = UnsafeMutablePointer<CChar>

    private static let dgetrf = function("dgetrf_", (@convention(c) (I, I, D, I, I, I) -> Void).self)
    private static let dgetri = function("dgetri_", (@convention(c) (I, D, I, I, D, I, I) -> Void).self)
    private static let dgetrs = function("dgetrs_", (@convention(c) (C, I, I, D, I, I, D, I, I, Int) -> Void).self)
    private static let dpotrf = function("dpotrf_", (@convention(c) (C, I, D, I, I, Int) -> Void).self)
    private static let dgeqrf = function("dgeqrf_", (@convention(c) (I, I, D, I, D, D, I, I) -> Void).self)
    private static let dorgqr = function("dorgqr_", (@convention(c) (I, I, I, D, I, D, D, I, I) -> Void).self)
    private static let dgesdd = function("dgesdd_", (@convention(c) (C, I, I, D, I, D, D, I, D, I, D, I, I, I, Int) -> Void).self)
    private static let dsyevd = function("dsyevd_", (@convention(c) (C, C, I, D, I, D, D, I, I, I, I, Int, Int) -> Void).self)
    private static let dgelsy = function("dgelsy_", (@convention(c) (I, I, I, D, I, D, I, I, D, I, D, I, I) -> Void).self)

    /// `rows × cols` row-major values transposed (row-major ↔ column-major).
    static func transposed(_ a: [Double], _ rows: Int, _ cols: Int) -> [Double] {
        var out = [Double](repeating: 0, count: a.count)
        for i in 0..<rows { for j in 0..<cols { out[j * rows + i] = a[i * cols + j] } }
        return out
    }

    /// The LU factorization of a square matrix: the packed factors (column-major), the pivots,
    /// and LAPACK's `info` (positive: `U[info-1, info-1]` is exactly zero).
    static func lu(_ a: [Double], _ n: Int) -> (factors: [Double], pivots: [Int32], info: Int32) {
        var f = transposed(a, n, n), pivots = [Int32](repeating: 0, count: Swift.max(n, 1))
        var (m, nn, lda, info) = (Int32(n), Int32(n), Int32(Swift.max(n, 1)), Int32(0))
        dgetrf(&m, &nn, &f, &lda, &pivots, &info)
        return (f, pivots, info)
    }

    /// The inverse of a square matrix, or nil when it is singular.
    static func inverse(_ a: [Double], _ n: Int) -> [Double]? {
        var (f, pivots, info) = lu(a, n)
        if info > 0 { return nil }
        var (nn, lda, lwork) = (Int32(n), Int32(Swift.max(n, 1)), Int32(Swift.max(64 * n, 1)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgetri(&nn, &f, &lda, &pivots, &work, &lwork, &info)
        return transposed(f, n, n)
    }

    /// The determinant of a square matrix, from its LU factors.
    static func determinant(_ a: [Double], _ n: Int) -> Double {
        let (f, pivots, _) = lu(a, n)
        var det = 1.0
        for i in 0..<n {
            det *= f[i * n + i]
            if pivots[i] != Int32(i + 1) { det = -det }
        }
        return det
    }

    /// The sign and the log of the absolute value of a square matrix's determinant, from its LU
    /// factors (a singular matrix gives sign 0 and −∞).
    static func logDeterminant(_ a: [Double], _ n: Int) -> (sign: Double, logAbs: Double) {
        let (f, pivots, _) = lu(a, n)
        var sign = 1.0, logAbs = 0.0
        for i in 0..<n {
            let u = f[i * n + i]
            if u == 0 { return (0, -.infinity) }
            if u < 0 { sign = -sign }
            if pivots[i] != Int32(i + 1) { sign = -sign }
            logAbs += Foundation.log(Swift.abs(u))
        }
        return (sign, logAbs)
    }

    /// The solution `X` of `A X = B` for square `A` (`n × n`) and `B` (`n × k`), or nil when `A`
    /// is singular.
    static func solve(_ a: [Double], _ b: [Double], _ n: Int, _ k: Int) -> [Double]? {
        var (f, pivots, info) = lu(a, n)
        if info > 0 { return nil }
        var x = transposed(b, n, k)
        var trans: CChar = 78  // "N"
        var (nn, nrhs, lda, ldb) = (Int32(n), Int32(k), Int32(Swift.max(n, 1)), Int32(Swift.max(n, 1)))
        dgetrs(&trans, &nn, &nrhs, &f, &lda, &pivots, &x, &ldb, &info, 1)
        return transposed(x, k, n)
    }

    /// The lower Cholesky factor of a symmetric positive-definite matrix (its lower triangle read),
    /// or the order of the leading minor that is not positive definite.
    static func cholesky(_ a: [Double], _ n: Int) -> Result<[Double], CholeskyFailure> {
        // Row-major A is column-major Aᵀ = A; LAPACK's lower factor of it, read back row-major,
        // is upper: ask for the upper factor instead, which reads back as the lower one.
        var f = a
        var uplo: CChar = 85  // "U"
        var (nn, lda, info) = (Int32(n), Int32(Swift.max(n, 1)), Int32(0))
        dpotrf(&uplo, &nn, &f, &lda, &info, 1)
        if info > 0 { return .failure(CholeskyFailure(minor: Int(info))) }
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { f[i * n + j] = 0 } }
        return .success(f)
    }

    /// The order of the leading minor of a matrix that is not positive definite.
    struct CholeskyFailure: Error { let minor: Int }

    /// The reduced (`complete` false) or complete QR factorization of an `m × n` matrix.
    static func qr(_ a: [Double], _ m: Int, _ n: Int, complete: Bool) -> (q: [Double], r: [Double], qCols: Int) {
        let k = Swift.min(m, n), qCols = complete ? m : k
        var f = transposed(a, m, n)
        var tau = [Double](repeating: 0, count: Swift.max(k, 1))
        var (mm, nn, lda, info) = (Int32(m), Int32(n), Int32(Swift.max(m, 1)), Int32(0))
        var lwork = Int32(Swift.max(64 * Swift.max(m, n), 1))
        var work = [Double](repeating: 0, count: Int(lwork))
        if k > 0 { dgeqrf(&mm, &nn, &f, &lda, &tau, &work, &lwork, &info) }
        // R: the upper triangle of the first `qCols` rows.
        var r = [Double](repeating: 0, count: qCols * n)
        for i in 0..<qCols { for j in i..<Swift.max(n, i) where i < m { r[i * n + j] = f[j * m + i] } }
        // Q: the reflectors expanded into the first `qCols` columns.
        var q = [Double](repeating: 0, count: m * qCols)
        for j in 0..<Swift.min(n, qCols) { for i in 0..<m { q[j * m + i] = f[j * m + i] } }
        var qc = Int32(qCols), kk = Int32(k)
        if m > 0 && qCols > 0 { dorgqr(&mm, &qc, &kk, &q, &lda, &tau, &work, &lwork, &info) }
        return (transposed(q, qCols, m), r, qCols)
    }

    /// The singular value decomposition `A = U diag(S) Vᴴ` of an `m × n` matrix, reduced
    /// (`fullMatrices` false) or full: `U` `m × ucols`, `S` descending, `Vᴴ` `vrows × n`.
    static func svd(_ a: [Double], _ m: Int, _ n: Int, fullMatrices: Bool, vectors: Bool = true)
        -> (u: [Double], s: [Double], vh: [Double], ucols: Int, vrows: Int) {
        let k = Swift.min(m, n)
        let (ucols, vrows) = fullMatrices ? (m, n) : (k, k)
        var f = transposed(a, m, n)
        var s = [Double](repeating: 0, count: Swift.max(k, 1))
        var u = [Double](repeating: 0, count: Swift.max(m * ucols, 1)), vt = [Double](repeating: 0, count: Swift.max(vrows * n, 1))
        var jobz: CChar = vectors ? (fullMatrices ? 65 : 83) : 78  // "A", "S", "N"
        var (mm, nn, lda, ldu, ldvt) = (Int32(m), Int32(n), Int32(Swift.max(m, 1)), Int32(Swift.max(m, 1)), Int32(Swift.max(vrows, 1)))
        var iwork = [Int32](repeating: 0, count: Swift.max(8 * k, 1))
        var lwork = Int32(-1), info = Int32(0), query = 0.0
        dgesdd(&jobz, &mm, &nn, &f, &lda, &s, &u, &ldu, &vt, &ldvt, &query, &lwork, &iwork, &info, 1)
        lwork = Int32(Swift.max(query, 1))
        var work = [Double](repeating: 0, count: Int(lwork))
        if k > 0 { dgesdd(&jobz, &mm, &nn, &f, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &iwork, &info, 1) }
        check(info <= 0, "linalg.svd: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values (error code: \(info)).")
        guard vectors else { return ([], Array(s.prefix(k)), [], 0, 0) }
        return (transposed(Array(u.prefix(m * ucols)), ucols, m), Array(s.prefix(k)),
                transposed(Array(vt.prefix(vrows * n)), n, vrows), ucols, vrows)
    }

    /// The eigenvalues (ascending) and orthonormal eigenvectors (as columns) of a symmetric matrix,
    /// its lower triangle read.
    static func symmetricEigen(_ a: [Double], _ n: Int, vectors: Bool = true) -> (values: [Double], vectors: [Double]) {
        // Row-major lower triangle = column-major upper triangle.
        var f = a
        var jobz: CChar = vectors ? 86 : 78, uplo: CChar = 85  // "V"/"N", "U"
        var w = [Double](repeating: 0, count: Swift.max(n, 1))
        var (nn, lda, info) = (Int32(n), Int32(Swift.max(n, 1)), Int32(0))
        var lwork = Int32(-1), liwork = Int32(-1), query = 0.0, iquery = Int32(0)
        dsyevd(&jobz, &uplo, &nn, &f, &lda, &w, &query, &lwork, &iquery, &liwork, &info, 1, 1)
        lwork = Int32(Swift.max(query, 1))
        liwork = Swift.max(iquery, 1)
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        if n > 0 { dsyevd(&jobz, &uplo, &nn, &f, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1) }
        check(info <= 0, "linalg.eigh: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: \(info)).")
        return (Array(w.prefix(n)), vectors ? transposed(f, n, n) : [])
    }

    /// The least-squares solution of `A X ≈ B` (`m × n`, `m × k`) by complete orthogonal
    /// factorization with column pivoting (PyTorch's default CPU driver, `gelsy`), and the rank.
    static func leastSquares(_ a: [Double], _ b: [Double], _ m: Int, _ n: Int, _ k: Int, rcond: Double) -> (x: [Double], rank: Int) {
        var f = transposed(a, m, n)
        let ldb = Swift.max(m, n, 1)
        var x = [Double](repeating: 0, count: ldb * k)
        for j in 0..<k { for i in 0..<m { x[j * ldb + i] = b[i * k + j] } }
        var jpvt = [Int32](repeating: 0, count: Swift.max(n, 1))
        var (mm, nn, nrhs, lda, ldbb) = (Int32(m), Int32(n), Int32(k), Int32(Swift.max(m, 1)), Int32(ldb))
        var rc = rcond, rank = Int32(0), info = Int32(0), lwork = Int32(-1), query = 0.0
        dgelsy(&mm, &nn, &nrhs, &f, &lda, &x, &ldbb, &jpvt, &rc, &rank, &query, &lwork, &info)
        lwork = Int32(Swift.max(query, 1))
        var work = [Double](repeating: 0, count: Int(lwork))
        if m > 0 && n > 0 { dgelsy(&mm, &nn, &nrhs, &f, &lda, &x, &ldbb, &jpvt, &rc, &rank, &work, &lwork, &info) }
        check(info == 0, "torch.linalg.lstsq: LAPACK's gelsy failed (error code: \(info)).")
        var out = [Double](repeating: 0, count: n * k)
        for i in 0..<n { for j in 0..<k { out[i * k + j] = x[j * ldb + i] } }
        return (out, Int(rank))
    }
}
