import Foundation

/// Linear algebra on (batches of) matrices, as `torch.linalg`: LAPACK (from OpenBLAS) in float64,
/// results in the input's dtype. Every op here has PyTorch's gradient, written in Ember's
/// differentiable ops (double backward works): `inv`, `det`, `slogdet`, `solve`, `cholesky`, the
/// decompositions `qr`, `svd`, `svdvals`, `eigh` and `eigvalsh` (PyTorch's `linalg_qr_backward`,
/// `svd_backward` and Hermitian `linalg_eig_backward`), `lstsq`'s solution and `pinv`. As in PyTorch,
/// gradients through eigen- or singular vectors are defined only for losses that do not depend on
/// the vectors' signs, and need distinct eigen- or singular values; `svd` with full matrices
/// differentiates the first min(m, n) columns of `U` and rows of `Vh` only; `qr`'s gradient is an
/// error in mode `"r"` and in mode `"complete"` with more rows than columns. A decomposition's
/// outputs are views of one tensor that is one graph node (`LinalgSvdBackward0`, ...), so the
/// gradients of all of them reach that node together.
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

    /// Several outputs of one decomposition recorded as one node `name`, as PyTorch's multi-output
    /// nodes: the parts are packed into one tensor, the node's output, and each part returned is a
    /// view of it, so the gradients of all the parts reach the node together. `backward` gets each
    /// part's gradient, nil where it is all zeros and outside any graph (a part that fed nothing:
    /// PyTorch's undefined gradient, whose formula terms are skipped; a zero gradient that is part
    /// of a double backward's graph is kept), and the parts. Without grad the parts come back as
    /// they are.
    static func recordingParts(_ parts: [Tensor], _ name: String, _ inputs: [Tensor], saved: [Tensor] = [],
                               _ backward: @escaping (_ grads: [Tensor?], _ parts: [Tensor]) -> [Tensor?]) -> [Tensor] {
        guard isGradEnabled, inputs.contains(where: { $0.requiresGradFlag }) else { return parts }
        let shapes = parts.map(\.shape)
        var offsets = [0]
        for p in parts { offsets.append(offsets.last! + p.numel) }
        let split = { (t: Tensor) -> [Tensor] in
            shapes.indices.map { t.narrow(0, offsets[$0], offsets[$0 + 1] - offsets[$0]).reshape(shapes[$0]) }
        }
        let packed = Tensor.cat(parts.map { $0.reshape([-1]) }, dim: 0)
        packed.recording(name, inputs, saved: saved, savesOutput: true) { g, out in
            let grads = split(g).map { part in part.requiresGradFlag || noGrad { (part .!= 0.0).any().item() != 0 } ? part : nil }
            return backward(grads, split(out))
        }
        return split(packed)
    }

    /// `Q` (orthonormal columns) and upper-triangular `R` with `A = Q R`; `mode` `"reduced"`,
    /// `"complete"`, or `"r"` (`R` only, `Q` empty). PyTorch: `torch.linalg.qr`.
    public static func qr(_ a: Tensor, mode: String = "reduced") -> (Q: Tensor, R: Tensor) {
        check(mode == "reduced" || mode == "complete" || mode == "r", "qr received unrecognized mode '\(mode)' but expected one of 'reduced' (default), 'r', or 'complete'")
        let (batch, m, n, values) = matrices(a, "qr")
        let parts = values.map { LAPACK.qr($0, m, n, complete: mode == "complete") }
        let cols = mode == "complete" ? m : Swift.min(m, n)
        let q = tensor(parts.map(\.q), batch + [m, cols], a.dtype), r = tensor(parts.map(\.r), batch + [cols, n], a.dtype)
        if mode == "r" {
            let refused = r.recording("LinalgQrBackward0", [a]) { _, _ in
                fatalError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
            }
            return (Tensor.zeros([0], dtype: a.dtype), refused)
        }
        let outs = recordingParts([q, r], "LinalgQrBackward0", [a]) { g, out in
            check(mode == "reduced" || m <= n, "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
            return [qrBackward(g[0], g[1], out[0], out[1])]
        }
        return (outs[0], outs[1])
    }

    /// The gradient of `A = Q R` from those of `Q` and `R`. PyTorch: `linalg_qr_backward`.
    static func qrBackward(_ gQ: Tensor?, _ gR: Tensor?, _ q: Tensor, _ r: Tensor) -> Tensor? {
        let m = q.shape[q.dim - 2], n = r.shape[r.dim - 1]
        var gA: Tensor
        switch (gQ, gR) {
        case let (gQ?, gR?): gA = gR.matmul(r.mT) - q.mT.matmul(gQ)
        case let (gQ?, nil): gA = -q.mT.matmul(gQ)
        case let (nil, gR?): gA = gR.matmul(r.mT)
        case (nil, nil): return nil
        }
        if m >= n {
            // Q (X + Xᵀ with the diagonal halved, X = triu(gA)) + gQ, then times R⁻ᵀ.
            let upper = gA.triu()
            gA = q.matmul(upper + upper.triu(1).mT)
            if let gQ { gA = gA + gQ }
            return rightSolveTransposed(r, gA)
        }
        // m < n: Q tril(Y − Yᵀ) R₁⁻ᵀ with Y = −gA and R₁ the leading m × m block of R, zeros
        // beside it, plus Q gR.
        let y = -gA
        gA = rightSolveTransposed(r.narrow(-1, 0, m), q.matmul((y - y.mT).tril()))
        gA = Tensor.cat([gA, Tensor.zeros(Array(gA.shape.dropLast()) + [n - m], dtype: gA.dtype)], dim: -1)
        if let gR { gA = gA + q.matmul(gR) }
        return gA
    }

    /// `X T⁻ᵀ` for square `T`: the solution `Z` of `T Zᵀ = Xᵀ`, transposed.
    static func rightSolveTransposed(_ t: Tensor, _ x: Tensor) -> Tensor { solve(t, x.mT).mT }

    /// `U`, the singular values `S` (descending) and `Vᴴ` with `A = U diag(S) Vᴴ`.
    /// PyTorch: `torch.linalg.svd`.
    public static func svd(_ a: Tensor, fullMatrices: Bool = true) -> (U: Tensor, S: Tensor, Vh: Tensor) {
        let (batch, m, n, values) = matrices(a, "svd")
        let parts = values.map { LAPACK.svd($0, m, n, fullMatrices: fullMatrices) }
        let k = Swift.min(m, n), (ucols, vrows) = fullMatrices ? (m, n) : (k, k)
        let u = tensor(parts.map(\.u), batch + [m, ucols], a.dtype), s = tensor(parts.map(\.s), batch + [k], a.dtype)
        let vh = tensor(parts.map(\.vh), batch + [vrows, n], a.dtype)
        let outs = recordingParts([u, s, vh], "LinalgSvdBackward0", [a]) { g, out in
            // With full matrices, PyTorch differentiates the first k columns of U and rows of Vh only.
            let leadU = { (t: Tensor) in fullMatrices ? t.narrow(-1, 0, k) : t }
            let leadV = { (t: Tensor) in fullMatrices ? t.narrow(-2, 0, k) : t }
            return [svdBackward(g[0].map(leadU), g[1], g[2].map(leadV), leadU(out[0]), out[1], leadV(out[2]))]
        }
        return (outs[0], outs[1], outs[2])
    }

    /// The gradient of the thin SVD `A = U diag(S) Vh` from those of its factors. PyTorch:
    /// `svd_backward` (real case).
    static func svdBackward(_ gU: Tensor?, _ gS: Tensor?, _ gVh: Tensor?, _ u: Tensor, _ s: Tensor, _ vh: Tensor) -> Tensor? {
        guard gU != nil || gVh != nil else { return gS.map { u.matmul($0.unsqueeze(-1) * vh) } }
        let m = u.shape[u.dim - 2], n = vh.shape[vh.dim - 1], k = s.shape[s.dim - 1]
        let skew = { (x: Tensor) in x - x.mT }
        // E_ij = s_j² − s_i² off the diagonal, 1 on it (where the skew parts are 0).
        let s2 = s * s
        let gaps = s2.unsqueeze(-2) - s2.unsqueeze(-1) + Tensor.eye(k, dtype: s.dtype)
        let uTerm = gU.map { skew(u.mT.matmul($0)) }, vTerm = gVh.map { skew(vh.matmul($0.mT)) }
        var inner: Tensor
        switch (uTerm, vTerm) {
        case let (uT?, vT?): inner = (uT * s.unsqueeze(-2) + s.unsqueeze(-1) * vT) / gaps
        case let (uT?, nil): inner = (uT / gaps) * s.unsqueeze(-2)
        case let (nil, vT?): inner = s.unsqueeze(-1) * (vT / gaps)
        case (nil, nil): fatalError("unreachable")
        }
        if let gS { inner = inner + gS.diagEmbed() }
        if m > n, let gU {
            // [U inner + (I − U Uᵀ) gU S⁻¹] Vh
            let scaled = gU / s.unsqueeze(-2)
            return (u.matmul(inner) + scaled - u.matmul(u.mT.matmul(scaled))).matmul(vh)
        }
        if m < n, let gVh {
            // U [inner Vh + S⁻¹ gVh (I − Vhᵀ Vh)]
            let scaled = gVh / s.unsqueeze(-1)
            return u.matmul(inner.matmul(vh) + scaled - scaled.matmul(vh.mT).matmul(vh))
        }
        return u.matmul(inner).matmul(vh)
    }

    /// The singular values, descending. PyTorch: `torch.linalg.svdvals`.
    public static func svdvals(_ a: Tensor) -> Tensor {
        let (batch, m, n, values) = matrices(a, "svdvals")
        let k = Swift.min(m, n)
        guard isGradEnabled && a.requiresGradFlag else {
            return tensor(values.map { LAPACK.svd($0, m, n, fullMatrices: false, vectors: false).s }, batch + [k], a.dtype)
        }
        // The gradient U diag(gS) Vh reads the vectors, computed only when it will be wanted (as PyTorch).
        let parts = values.map { LAPACK.svd($0, m, n, fullMatrices: false) }
        let u = tensor(parts.map(\.u), batch + [m, k], a.dtype), vh = tensor(parts.map(\.vh), batch + [k, n], a.dtype)
        return tensor(parts.map(\.s), batch + [k], a.dtype).recording("LinalgSvdBackward0", [a], saved: [a]) { g, _ in
            // For a graph of the gradient (double backward) the vectors come from a recorded SVD of A.
            let vectors = isGradEnabled ? svd(a, fullMatrices: false) : (U: u, S: g, Vh: vh)
            return [svdBackward(nil, g, nil, vectors.U, vectors.S, vectors.Vh)]
        }
    }

    /// The eigenvalues (ascending) and eigenvectors (columns) of each symmetric matrix, its lower
    /// triangle read. PyTorch: `torch.linalg.eigh`.
    public static func eigh(_ a: Tensor) -> (eigenvalues: Tensor, eigenvectors: Tensor) {
        let (batch, n, _, values) = matrices(a, "eigh", square: true)
        let parts = values.map { LAPACK.symmetricEigen($0, n) }
        let outs = recordingParts([tensor(parts.map(\.values), batch + [n], a.dtype), tensor(parts.map(\.vectors), a.shape, a.dtype)],
                                  "LinalgEighBackward0", [a]) { g, out in
            [eighBackward(g[0], g[1], out[0], out[1])]
        }
        return (outs[0], outs[1])
    }

    /// The gradient of `A = V diag(L) Vᵀ` from those of `L` and `V`: V (diag(gL) + skew(Vᵀ gV) / E) Vᵀ
    /// with skew(X) = (X − Xᵀ) / 2 and E_ij = L_j − L_i. PyTorch: `linalg_eig_backward`, Hermitian case.
    static func eighBackward(_ gL: Tensor?, _ gV: Tensor?, _ l: Tensor, _ v: Tensor) -> Tensor? {
        guard let gV else { return gL.map { (v * $0.unsqueeze(-2)).matmul(v.mT) } }
        let n = l.shape[l.dim - 1]
        let product = v.mT.matmul(gV)
        // E is 1 on its diagonal, where the skew part is 0.
        let gaps = l.unsqueeze(-2) - l.unsqueeze(-1) + Tensor.eye(n, dtype: l.dtype)
        var inner = 0.5 * (product - product.mT) / gaps
        if let gL { inner = inner + gL.diagEmbed() }
        return v.matmul(inner.matmul(v.mT))
    }

    /// The eigenvalues of each symmetric matrix, ascending. PyTorch: `torch.linalg.eigvalsh`.
    public static func eigvalsh(_ a: Tensor) -> Tensor {
        let (batch, n, _, values) = matrices(a, "eigvalsh", square: true)
        guard isGradEnabled && a.requiresGradFlag else {
            return tensor(values.map { LAPACK.symmetricEigen($0, n, vectors: false).values }, batch + [n], a.dtype)
        }
        // The gradient V diag(gL) Vᵀ reads the eigenvectors, computed only when it will be wanted.
        let parts = values.map { LAPACK.symmetricEigen($0, n) }
        let vectors = tensor(parts.map(\.vectors), a.shape, a.dtype)
        return tensor(parts.map(\.values), batch + [n], a.dtype).recording("LinalgEighBackward0", [a], saved: [a], savesOutput: true) { g, out in
            // For a graph of the gradient (double backward) the vectors come from a recorded eigh of A.
            [eighBackward(g, nil, out, isGradEnabled ? eigh(a).eigenvectors : vectors)]
        }
    }

    /// The least-squares solution of `A X ≈ B` and the rank of `A` (complete orthogonal
    /// factorization, PyTorch's default CPU driver `gelsy`). The solution's gradient is PyTorch's,
    /// through the pseudo-inverse (`X = A⁺ B`). PyTorch: `torch.linalg.lstsq`.
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
        let solution = (vector ? x.squeeze(-1) : x).recording("LinalgLstsqBackward0", [a, b], saved: [a, b]) { g, _ in
            let gX = vector ? g.unsqueeze(-1) : g, pinvA = pinv(a)
            let gA = a.requiresGradFlag ? pinvBackward(gX.matmul((vector ? b.unsqueeze(-1) : b).mT), pinvA, a).gradFor(a) : nil
            let gB = pinvA.mT.matmul(gX)
            return [gA, b.requiresGradFlag ? (vector ? gB.squeeze(-1) : gB).gradFor(b) : nil]
        }
        return (solution, Tensor(results.map(\.rank), shape: batch, dtype: .int64))
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
        return tensor(inverses, batch + [n, m], a.dtype).recording("LinalgPinvBackward0", [a], saved: [a], savesOutput: true) { g, out in
            [pinvBackward(g, out, a)]
        }
    }

    /// The gradient of `A⁺` (`pinvA`) with respect to `A`, from that of `A⁺`. PyTorch: `pinv_backward`.
    static func pinvBackward(_ g: Tensor, _ pinvA: Tensor, _ a: Tensor) -> Tensor {
        let m = a.shape[a.dim - 2], n = a.shape[a.dim - 1]
        let pinvT = pinvA.mT, gT = g.mT
        if m <= n {
            let k = gT.matmul(pinvA), kPinvT = k.matmul(pinvT)
            return -pinvA.matmul(k).mT + kPinvT - a.matmul(pinvA).matmul(kPinvT) + pinvT.matmul(pinvA).matmul(gT - k.matmul(a))
        }
        let k = pinvA.matmul(gT), pinvTK = pinvT.matmul(k)
        return -k.matmul(pinvA).mT + (gT - a.matmul(k)).matmul(pinvA).matmul(pinvT) + pinvTK - pinvTK.matmul(pinvA).matmul(a)
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
