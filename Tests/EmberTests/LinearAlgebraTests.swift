import Testing
@testable import Ember

// Linear algebra beyond the op table (`OpTable/LinearAlgebra.swift` checks values and gradients
// against PyTorch): the determinant's gradient at singular matrices, where PyTorch returns zeros;
// second derivatives of the decompositions, `lstsq` and `pinv`.

@Suite struct LinearAlgebraTests {
    @Test func detGradientAtSingularMatrices() {
        let rankOne = Tensor([1.0, 2, 2, 4], shape: [2, 2], dtype: .float64, requiresGrad: true)
        linalg.det(rankOne).backward()
        #expect(rankOne.grad!.toDoubles().map { ($0 * 1e9).rounded() / 1e9 } == [4, -2, -2, 1])
        let matrices = [
            gcValues([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]),
            gcValues([1, 2, 3, 2, 4, 6, 1, 0, 1, 2, 4, 6, 0, 0, 0, 1, -1, 2], [2, 3, 3]),
        ]
        for a in matrices {
            expectGradcheck("det at singular \(a.shape)", [a]) { linalg.det($0[0]) }
        }
    }

    /// The decompositions' gradients are written in differentiable ops: gradgradcheck, through
    /// functions of the outputs that do not depend on the vectors' signs.
    @Test func decompositionsHaveSecondDerivatives() {
        let square = { @Sendable in [gcInput([3, 3], seed: 11)] }
        let tall = { @Sendable in [gcInput([4, 3], seed: 12)] }
        let wide = { @Sendable in [gcInput([3, 4], seed: 13)] }
        let cases: [GradCase] = [
            doubleBackwardCase("eigh", outShape: [12], square) { t in
                let r = linalg.eigh(t[0] + t[0].mT)
                return Tensor.cat([r.eigenvalues, r.eigenvectors.abs().reshape([-1])])
            },
            doubleBackwardCase("eigvalsh", outShape: [3], square) { linalg.eigvalsh($0[0] + $0[0].mT) },
            doubleBackwardCase("svd tall", outShape: [24], tall) { t in
                let r = linalg.svd(t[0], fullMatrices: false)
                return Tensor.cat([r.U.abs().reshape([-1]), r.S, r.Vh.abs().reshape([-1])])
            },
            doubleBackwardCase("svd wide", outShape: [24], wide) { t in
                let r = linalg.svd(t[0], fullMatrices: false)
                return Tensor.cat([r.U.abs().reshape([-1]), r.S, r.Vh.abs().reshape([-1])])
            },
            doubleBackwardCase("svdvals", outShape: [3], tall) { linalg.svdvals($0[0]) },
            doubleBackwardCase("qr tall", outShape: [21], tall) { t in
                let r = linalg.qr(t[0])
                return Tensor.cat([r.Q.abs().reshape([-1]), r.R.abs().reshape([-1])])
            },
            doubleBackwardCase("qr wide", outShape: [21], wide) { t in
                let r = linalg.qr(t[0])
                return Tensor.cat([r.Q.abs().reshape([-1]), r.R.abs().reshape([-1])])
            },
            doubleBackwardCase("lstsq", outShape: [3, 2], { [gcInput([4, 3], seed: 14), gcInput([4, 2], seed: 15)] }) {
                linalg.lstsq($0[0], $0[1]).solution
            },
            doubleBackwardCase("pinv", outShape: [4, 3], wide) { linalg.pinv($0[0]) },
        ]
        for c in cases { c.check() }
    }

    /// As in PyTorch, a decomposition's outputs share one node, reached through views of it.
    @Test func decompositionOutputsShareOneNode() {
        let a = gcInput([4, 3], seed: 16).requiresGrad_()
        let r = linalg.svd(a, fullMatrices: false)
        func node(_ t: Tensor) -> Node? {
            var fn = t.gradFn
            while let f = fn, !f.name.hasPrefix("Linalg") { fn = f.nextFunctions.compactMap { $0 }.first }
            return fn
        }
        #expect(node(r.U)?.name == "LinalgSvdBackward0")
        #expect(node(r.U) === node(r.S) && node(r.S) === node(r.Vh))
        #expect(linalg.eigvalsh(a.narrow(0, 0, 3)).gradFn?.name == "LinalgEighBackward0")
        #expect(linalg.svdvals(a).gradFn?.name == "LinalgSvdBackward0")
        #expect(linalg.pinv(a).gradFn?.name == "LinalgPinvBackward0")
        #expect(linalg.lstsq(a, gcInput([4, 2], seed: 17)).solution.gradFn?.name == "LinalgLstsqBackward0")
        let q = linalg.qr(a, mode: "r")
        #expect(q.Q.shape == [0] && q.R.gradFn?.name == "LinalgQrBackward0")
    }
}
