import Testing
@testable import Ember

// Linear algebra beyond the op table (`OpTable/LinearAlgebra.swift` checks values and gradients
// against PyTorch): the determinant's gradient at singular matrices, where PyTorch returns zeros.

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
}
