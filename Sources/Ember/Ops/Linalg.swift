import Foundation

/// Linear algebra on (batches of) matrices, as `torch.linalg`: LAPACK (from OpenBLAS) in float64,
/// results in the input's dtype. `inv`, `det`, `slogdet`, `solve` and `cholesky` have PyTorch's
/// gradients; the decompositions (`qr`, `svd`, `eigh`), `lstsq` and `pinv` are not differentiable
/// here (their outputs do not require grad).
public enum linalg {
    /// The matrices of `a` (its last two dims) as row-major arrays of doubles, and the batch shape.
    static func matrices(_ a: Tensor, _ op: String, square: Bool = false) -> (batch: [Int], m: Int, n: Int, values: [[Double]]) {
        check(a.dim >= 2, "linalg.\(op): The input tensor A must have at least 2 dimensions.")
        check(a.dtype == .float32 || a.dtype == .float64,
              "linalg.\(op): Expected a floating point or complex tensor as input. Got \(a.dtype.castName)")
        let m = a.shape[a.dim - 2], n = a.shape[a.dim - 1]
        if square { check(m == n, "linalg.\(op): A must be batches of square matrices, but they are \(m) by \(n) matrices") }
        let flat = a.contiguous().toDoubles(), size = m * n
        let count = size == 0 ? Array(a.shape.dropLast(2)).reduce(1, *) : flat.count / size
        return (Array(a.shape.dropLast(2)), m, n, (0..<count).map { Array(flat[$0 * size..<($0 + 1) * size]) })
    }

    /// The machine epsilon of a float dtype. PyTorch: `torch.finfo(dtype).eps`.
    static func machineEpsilon(_ dtype: DType) -> Double { dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne }

    /// A tensor of `shape` and `dtype` from the row-major blocks `values`.
    static func tensor(_ values: [[Double]], _ shape: [Int], _ dtype: DType) -> Tensor {
        Tensor(values.flatMap { $0 }, shape: shape, dtype: dtype)
    }

    /// The inverse of each square matrix. PyTorch: `torch.linalg.inv`.
    public static func inv(_ a: Tensor) -> Tensor {
        let (batch, n, _, values) = matrices(a, "inv", square: true)
        let inverses = values.enumerated().map { k, m -> [Double] in
            guard let i = LAPACK.inverse(m, n) else {
                fatalError("linalg.inv: \(batch.isEmpty ? "" : "(Batch element \(k)): ")The diagonal element \(LAPACK.lu(m, n).info) is zero, the inversion could not be completed because the input matrix is singular.")
            }
            return i
        }
        return tensor(inverses, a.shape, a.dtype).recording("LinalgInvExBackward0", [a], savesOutput: true) { g, out in
            let t = out.mT
            return [-t.matmul(g).matmul(t)]
        }
    }

    /// The determinant of each square matrix. PyTorch: `torch.linalg.det`. The gradient is the
    /// cofactor matrix, `det(A) A⁻ᵀ`; at a singular matrix it comes from the SVD and is the true
    /// derivative (PyTorch 2.15 returns zeros there, which its own gradcheck rejects).
    public static func det(_ a: Tensor) -> Tensor {
        let (batch, n, _, values) = matrices(a, "det", square: true)
        let dets = values.map { [LAPACK.determinant($0, n)] }
        return tensor(dets, batch, a.dtype).recording("LinalgDetBackward0", [a], saved: [a], savesOutput: true) { g, out in
            let singular = noGrad { (out .== 0.0).any().item() != 0 }
            let cofactors = singular ? noGrad { singularCofactors(a) } : out.unsqueeze(-1).unsqueeze(-1) * inv(a).mT
            return [g.unsqueeze(-1).unsqueeze(-1) * cofactors]
        }
    }

    /// The cofactor matrices of `a`, from each SVD `A = U S Vᵀ`: `det(U) det(Vᵀ) U diag(∏_{j≠i} s_j) Vᵀ`,
    /// which holds whether or not `A` is singular.
    static func singularCofactors(_ a: Tensor) -> Tensor {
        let (_, n, _, values) = matrices(a, "det", square: true)
        let cofactors = values.map { m -> [Double] in
            let (u, s, vh, _, _) = LAPACK.svd(m, n, n, fullMatrices: true)
            let sign = LAPACK.determinant(u, n) * LAPACK.determinant(vh, n)
            var c = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                let others = (0..<n).reduce(sign) { $1 == i ? $0 : $0 * s[$1] }
                for r in 0..<n where u[r * n + i] != 0 {
                    for col in 0..<n { c[r * n + col] += u[r * n + i] * others * vh[i * n + col] }
                }
            }
            return c
        }
        return tensor(cofactors, a.shape, a.dtype)
    }

    /// The sign and the log of the absolute value of each determinant. PyTorch: `torch.linalg.slogdet`.
    public static func slogdet(_ a: Tensor) -> (sign: Tensor, logabsdet: Tensor) {
        let (batch, n, _, values) = matrices(a, "slogdet", square: true)
        // Summed from the LU factors' logs, so large or small determinants neither overflow nor vanish.
        let parts = values.map { LAPACK.logDeterminant($0, n) }
        let sign = Tensor(parts.map(\.sign), shape: batch, dtype: a.dtype)
        let logabs = Tensor(parts.map(\.logAbs), shape: batch, dtype: a.dtype)
            .recording("LinalgSlogdetBackward0", [a], saved: [a]) { g, _ in
                [g.unsqueeze(-1).unsqueeze(-1) * inv(a).mT]
            }
        return (sign, logabs)
    }

    /// The solution `X` of `A X = B` for square `A`; `B` is a matrix (batch) or a vector.
    /// PyTorch: `torch.linalg.solve`.
    public static func solve(_ a: Tensor, _ b: Tensor) -> Tensor {
        check(a.dim >= 2 && a.shape[a.dim - 1] == a.shape[a.dim - 2],
              "linalg.solve: A must be batches of square matrices, but they are \(shapeString(a.shape))")
        let n = a.shape[a.dim - 1], aBatch = Array(a.shape.dropLast(2))
        check(a.dtype == b.dtype, "linalg.solve: Expected A and B to have the same dtype, but found A of type \(a.dtype.castName) and B of type \(b.dtype.castName) instead")
        // B is a vector when it is 1-D or shaped like A without its last dim (PyTorch's rule).
        let vector = b.dim == 1 || b.shape == aBatch + [n]
        let b2 = vector ? b.unsqueeze(-1) : b
        check(b2.dim >= 2 && b2.shape[b2.dim - 2] == n,
              "linalg.solve: Incompatible shapes of A and B for the equation AX = B (\(shapeString(a.shape)) and \(shapeString(b.shape)))")
        let k = b2.shape[b2.dim - 1]
        let batch = Tensor.broadcastShapes(aBatch, Array(b2.shape.dropLast(2)))
        let (_, _, _, av) = matrices(a.expand(batch + [n, n]), "solve")
        let (_, _, _, bv) = matrices(b2.expand(batch + [n, k]), "solve")
        let solutions = zip(av, bv).enumerated().map { i, pair -> [Double] in
            guard let x = LAPACK.solve(pair.0, pair.1, n, k) else {
                fatalError("linalg.solve: \(batch.isEmpty ? "" : "(Batch element \(i)): ")The solver failed because the input matrix is singular.")
            }
            return x
        }
        let x = tensor(solutions, batch + [n, k], a.dtype)
        let out = vector ? x.squeeze(-1) : x
        return out.recording("LinalgSolveExBackward0", [a, b], saved: [a], savesOutput: true) { g, out in
            let gB = solve(a.mT, g)
            let gB2 = vector ? gB.unsqueeze(-1) : gB, x2 = vector ? out.unsqueeze(-1) : out
            return [a.requiresGradFlag ? (-gB2.matmul(x2.mT)).gradFor(a) : nil, b.requiresGradFlag ? gB.gradFor(b) : nil]
        }
    }

    /// The lower-triangular `L` with `A = L Lᴴ` for each symmetric positive-definite matrix (its
    /// lower triangle read). PyTorch: `torch.linalg.cholesky`.
    public static func cholesky(_ a: Tensor) -> Tensor {
        let (batch, n, _, values) = matrices(a, "cholesky", square: true)
        let factors = values.enumerated().map { k, m -> [Double] in
            switch LAPACK.cholesky(m, n) {
            case .success(let l): return l
            case .failure(let f):
                fatalError("linalg.cholesky: \(batch.isEmpty ? "" : "(Batch element \(k)): ")The factorization could not be completed because the input is not positive-definite (the leading minor of order \(f.minor) is not positive-definite).")
            }
        }
        return tensor(factors, a.shape, a.dtype).recording("LinalgCholeskyExBackward0", [a], savesOutput: true) { g, l in
            // PyTorch's rule: Φ = tril(Lᴴ gL) with its diagonal halved, then L⁻ᴴ Φ L⁻¹.
            var phi = l.mT.matmul(g).tril()
            phi = 0.5 * (phi + phi.tril(-1).mT)
            // L⁻ᴴ Φ, then (L⁻ᴴ Φ) L⁻¹ as the solution Z of Lᴴ Zᴴ = (L⁻ᴴ Φ)ᴴ.
            let left = solve(l.mT, phi)
            return [solve(l.mT, left.mT).mT]
        }
    }

    /// `Q` (orthonormal columns) and upper-triangular `R` with `A = Q R`; `mode` `"reduced"` or
    /// `"complete"`. PyTorch: `torch.linalg.qr`.
    public static func qr(_ a: Tensor, mode: String = "reduced") -> (Q: Tensor, R: Tensor) {
        check(mode == "reduced" || mode == "complete", "qr received unrecognized mode '\(mode)' but expected one of 'reduced' (default), 'r', or 'complete'")
        let (batch, m, n, values) = matrices(a, "qr")
        let parts = values.map { LAPACK.qr($0, m, n, complete: mode == "complete") }
        let cols = mode == "complete" ? m : Swift.min(m, n)
        return (tensor(parts.map(\.q), batch + [m, cols], a.dtype), tensor(parts.map(\.r), batch + [cols, n], a.dtype))
    }

    /// `U`, the singular values `S` (descending) and `Vᴴ` with `A = U diag(S) Vᴴ`.
    /// PyTorch: `torch.linalg.svd`.
    public static func svd(_ a: Tensor, fullMatrices: Bool = true) -> (U: Tensor, S: Tensor, Vh: Tensor) {
        let (batch, m, n, values) = matrices(a, "svd")
        let parts = values.map { LAPACK.svd($0, m, n, fullMatrices: fullMatrices) }
        let k = Swift.min(m, n), (ucols, vrows) = fullMatrices ? (m, n) : (k, k)
        return (tensor(parts.map(\.u), batch + [m, ucols], a.dtype), tensor(parts.map(\.s), batch + [k], a.dtype),
                tensor(parts.map(\.vh), batch + [vrows, n], a.dtype))
    }

    /// The singular values, descending. PyTorch: `torch.linalg.svdvals`.
    public static func svdvals(_ a: Tensor) -> Tensor {
        let (batch, m, n, values) = matrices(a, "svdvals")
        return tensor(values.map { LAPACK.svd($0, m, n, fullMatrices: false, vectors: false).s }, batch + [Swift.min(m, n)], a.dtype)
    }

    /// The eigenvalues (ascending) and eigenvectors (columns) of each symmetric matrix, its lower
    /// triangle read. PyTorch: `torch.linalg.eigh`.
    public static func eigh(_ a: Tensor) -> (eigenvalues: Tensor, eigenvectors: Tensor) {
        let (batch, n, _, values) = matrices(a, "eigh", square: true)
        let parts = values.map { LAPACK.symmetricEigen($0, n) }
        return (tensor(parts.map(\.values), batch + [n], a.dtype), tensor(parts.map(\.vectors), a.shape, a.dtype))
    }

    /// The eigenvalues of each symmetric matrix, ascending. PyTorch: `torch.linalg.eigvalsh`.
    public static func eigvalsh(_ a: Tensor) -> Tensor {
        let (batch, n, _, values) = matrices(a, "eigvalsh", square: true)
        return tensor(values.map { LAPACK.symmetricEigen($0, n, vectors: false).values }, batch + [n], a.dtype)
    }

    /// The least-squares solution of `A X ≈ B` and the rank of `A` (complete orthogonal
    /// factorization, PyTorch's default CPU driver `gelsy`). PyTorch: `torch.linalg.lstsq`.
    public static func lstsq(_ a: Tensor, _ b: Tensor, rcond: Double? = nil) -> (solution: Tensor, rank: Tensor) {
        check(a.dim >= 2, "torch.linalg.lstsq: input must have at least 2 dimensions.")
        check(a.dtype == b.dtype, "torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype \(a.dtype.castName) and other's dtype \(b.dtype.castName)")
        let (m, n) = (a.shape[a.dim - 2], a.shape[a.dim - 1])
        let vector = b.dim == a.dim - 1
        let b2 = vector ? b.unsqueeze(-1) : b
        check(b2.dim >= 2 && b2.shape[b2.dim - 2] == m, "torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
        let k = b2.shape[b2.dim - 1]
        let batch = Tensor.broadcastShapes(Array(a.shape.dropLast(2)), Array(b2.shape.dropLast(2)))
        let (_, _, _, av) = matrices(a.expand(batch + [m, n]), "lstsq")
        let (_, _, _, bv) = matrices(b2.expand(batch + [m, k]), "lstsq")
        let results = zip(av, bv).map { LAPACK.leastSquares($0, $1, m, n, k, rcond: rcond ?? machineEpsilon(a.dtype) * Double(Swift.max(m, n))) }
        let x = tensor(results.map(\.x), batch + [n, k], a.dtype)
        return (vector ? x.squeeze(-1) : x, Tensor(results.map(\.rank), shape: batch, dtype: .int64))
    }

    /// The Moore–Penrose pseudo-inverse, from the SVD with singular values at most
    /// `max(atol, rtol · σ_max)` dropped (`rtol` defaults to eps · max(m, n)). PyTorch: `torch.linalg.pinv`.
    public static func pinv(_ a: Tensor, atol: Double = 0, rtol: Double? = nil) -> Tensor {
        let (batch, m, n, values) = matrices(a, "pinv")
        let relative = rtol ?? (atol > 0 ? 0 : machineEpsilon(a.dtype) * Double(Swift.max(m, n)))
        let inverses = values.map { v -> [Double] in
            let (u, s, vh, _, _) = LAPACK.svd(v, m, n, fullMatrices: false)
            let k = s.count, cutoff = Swift.max(atol, relative * (s.first ?? 0))
            var out = [Double](repeating: 0, count: n * m)
            for p in 0..<k where s[p] > cutoff {
                for i in 0..<n { for j in 0..<m { out[i * m + j] += vh[p * n + i] * u[j * k + p] / s[p] } }
            }
            return out
        }
        return tensor(inverses, batch + [n, m], a.dtype)
    }

    /// A vector norm over `dims` (all when nil). PyTorch: `torch.linalg.vector_norm`.
    public static func vectorNorm(_ x: Tensor, ord: Double = 2, dims: [Int]? = nil, keepDim: Bool = false) -> Tensor {
        x.norm(p: ord, dims: dims, keepDim: keepDim)
    }

    /// A matrix norm over the last two dims: `"fro"`, `"nuc"`, or `ord` ±1 (column sums), ±2
    /// (singular values), ±∞ (row sums). PyTorch: `torch.linalg.matrix_norm`.
    public static func matrixNorm(_ a: Tensor, ord: String = "fro", keepDim: Bool = false) -> Tensor {
        check(ord == "fro" || ord == "nuc", "linalg.matrix_norm: Order \(ord) not supported.")
        let result = ord == "fro" ? a.norm(p: 2, dims: [-2, -1]) : svdvals(a).sum(dim: -1)
        return keepDim ? result.unsqueeze(-1).unsqueeze(-1) : result
    }

    /// A matrix norm of numeric order (±1, ±2, ±∞). PyTorch: `torch.linalg.matrix_norm(A, ord)`.
    public static func matrixNorm(_ a: Tensor, ord: Double, keepDim: Bool = false) -> Tensor {
        let result: Tensor
        switch Swift.abs(ord) {
        case 1: result = ord > 0 ? a.abs().sum(dim: -2).amax(dims: [-1]) : a.abs().sum(dim: -2).amin(dims: [-1])
        case .infinity: result = ord > 0 ? a.abs().sum(dim: -1).amax(dims: [-1]) : a.abs().sum(dim: -1).amin(dims: [-1])
        case 2:
            let s = svdvals(a)
            result = ord > 0 ? s.amax(dims: [-1]) : s.amin(dims: [-1])
        default: fatalError("linalg.matrix_norm: Order \(ord) not supported.")
        }
        return keepDim ? result.unsqueeze(-1).unsqueeze(-1) : result
    }

    /// A vector norm of a 1-D input (or over `dims`), a Frobenius norm of a 2-D one. PyTorch:
    /// `torch.linalg.norm`.
    public static func norm(_ x: Tensor, ord: Double? = nil, dims: [Int]? = nil, keepDim: Bool = false) -> Tensor {
        if let dims, dims.count == 1 { return x.norm(p: ord ?? 2, dims: dims, keepDim: keepDim) }
        if x.dim == 2 || dims?.count == 2, let ord {
            // The matrix dims last, in the given order; the kept dims back in their places.
            let pair = (dims ?? [0, 1]).map { x.normalizeDim($0, "linalg.norm") }
            let rest = (0..<x.dim).filter { !pair.contains($0) }
            var result = matrixNorm(x.permute(rest + pair), ord: ord)
            if keepDim { for d in pair.sorted() { result = result.unsqueeze(d) } }
            return result
        }
        return x.norm(p: ord ?? 2, dims: dims, keepDim: keepDim)
    }
}

extension Tensor {
    /// The last two dims swapped. PyTorch: `tensor.mT`.
    public var mT: Tensor {
        check(dim >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got \(dim)-D tensor.")
        return transpose(-2, -1)
    }

    /// `beta · self + alpha · (mat1 @ mat2)`. PyTorch: `torch.addmm`.
    public func addmm(_ mat1: Tensor, _ mat2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        check(mat1.dim == 2 && mat2.dim == 2, "addmm: expected 2D tensors, got \(mat1.dim)D and \(mat2.dim)D")
        return scaledSum(mat1.mm(mat2), beta: beta, alpha: alpha)
    }

    /// `beta · self + alpha · (mat @ vec)`. PyTorch: `torch.addmv`.
    public func addmv(_ mat: Tensor, _ vec: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        scaledSum(mat.mv(vec), beta: beta, alpha: alpha)
    }

    /// `beta · self + alpha · (batch1 @ batch2)` per batch. PyTorch: `torch.baddbmm`.
    public func baddbmm(_ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        scaledSum(batch1.bmm(batch2), beta: beta, alpha: alpha)
    }

    /// `beta · self + alpha · Σ_b batch1[b] @ batch2[b]`. PyTorch: `torch.addbmm`.
    public func addbmm(_ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        scaledSum(batch1.bmm(batch2).sum(dim: 0), beta: beta, alpha: alpha)
    }

    /// `beta · self + alpha · product`, where `beta` 0 ignores `self` (NaN included), as PyTorch.
    private func scaledSum(_ product: Tensor, beta: Double, alpha: Double) -> Tensor {
        let scaled = alpha == 1 ? product : product * alpha
        if beta == 0 { return scaled + Tensor.zeros([], dtype: dtype) }
        return (beta == 1 ? self : self * beta) + scaled
    }

    /// The Kronecker product. PyTorch: `torch.kron`.
    public func kron(_ other: Tensor) -> Tensor {
        let rank = Swift.max(dim, other.dim)
        let a = reshape(Array(repeating: 1, count: rank - dim) + shape)
        let b = other.reshape(Array(repeating: 1, count: rank - other.dim) + other.shape)
        let spreadA = a.shape.flatMap { [$0, 1] }, spreadB = b.shape.flatMap { [1, $0] }
        return (a.reshape(spreadA) * b.reshape(spreadB)).reshape(zip(a.shape, b.shape).map { $0 * $1 })
    }

    /// Sums products over the last `dims` dims of `self` and the first `dims` of `other`.
    /// PyTorch: `torch.tensordot(a, b, dims=n)`.
    public func tensordot(_ other: Tensor, dims: Int = 2) -> Tensor {
        check(dims >= 0 && dims <= Swift.min(dim, other.dim), "tensordot expects dims >= 0, and dims <= min(a.dim, b.dim)")
        return tensordot(other, dims: (Array((dim - dims)..<dim), Array(0..<dims)))
    }

    /// Sums products over the paired dims `dims.0` of `self` and `dims.1` of `other`.
    /// PyTorch: `torch.tensordot(a, b, dims=([...], [...]))`.
    public func tensordot(_ other: Tensor, dims: ([Int], [Int])) -> Tensor {
        check(dims.0.count == dims.1.count, "both dimension lists should have same length")
        let mine = dims.0.map { normalizeDim($0, "tensordot") }, theirs = dims.1.map { other.normalizeDim($0, "tensordot") }
        for (i, j) in zip(mine, theirs) {
            check(shape[i] == other.shape[j], "contracted dimensions need to match, but first has size \(shape[i]) in dim \(i) and second has size \(other.shape[j]) in dim \(j)")
        }
        let freeA = (0..<dim).filter { !mine.contains($0) }, freeB = (0..<other.dim).filter { !theirs.contains($0) }
        let k = mine.reduce(1) { $0 * shape[$1] }
        let a = permute(freeA + mine).reshape([-1, k]), b = other.permute(theirs + freeB).reshape([k, -1])
        return a.mm(b).reshape(freeA.map { shape[$0] } + freeB.map { other.shape[$0] })
    }
}

extension Tensor {
    /// The `p`-norm distances between each row of `x1` (`[…, P, M]`) and each row of `x2`
    /// (`[…, R, M]`), `[…, P, R]`. PyTorch: `torch.cdist`.
    public static func cdist(_ x1: Tensor, _ x2: Tensor, p: Double = 2) -> Tensor {
        check(x1.dim >= 2 && x2.dim >= 2, "cdist only supports at least 2D tensors, X1 got: \(x1.dim)D")
        check(x1.shape.last == x2.shape.last, "X1 and X2 must have the same number of columns. X1: \(x1.shape.last!) X2: \(x2.shape.last!)")
        check(p >= 0, "cdist only supports non-negative p values")
        return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p: p, dim: -1)
    }
}
