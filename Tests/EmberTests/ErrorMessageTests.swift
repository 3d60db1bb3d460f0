import Testing
@testable import Ember

/// Programmer errors stop the process with PyTorch's wording; these exit tests pin the messages.
@Suite struct ErrorMessageTests {
    @Test func broadcastMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones(2, 3) + Tensor.ones(2, 4)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"))
        }
    }

    @Test func viewOnIncompatibleLayout() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones(2, 3).t().view(6)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("view size is not compatible with input tensor's size and stride"))
        }
    }

    @Test func matmulShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones(2, 3).mm(Tensor.ones(4, 5))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"))
        }
    }

    @Test func dimOutOfRange() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones(2, 3).sum(dim: 2)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)"))
        }
    }

    @Test func backwardTwiceThroughFreedGraph() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0], requiresGrad: true)
            let y = (x * x).sum()
            y.backward()
            y.backward()
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Trying to backward through the graph a second time"))
        }
    }

    @Test func savedTensorModifiedInPlace() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0], requiresGrad: true)
            let y = x * 2.0
            let z = y * y
            y.add_(1.0)
            z.sum().backward()
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]] is at version 1; expected version 0 instead."))
        }
    }

    @Test func inPlaceOnLeafRequiringGrad() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0], requiresGrad: true)
            x.add_(1.0)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("a leaf Variable that requires grad is being used in an in-place operation."))
        }
    }

    @Test func integerTensorsCannotRequireGrad() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2]).requiresGrad_()
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("only Tensors of floating point and complex dtype can require gradients"))
        }
    }

    @Test func indexOutOfRange() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones(3)[Tensor([5])]
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("index 5 is out of bounds for dimension 0 with size 3"))
        }
    }
}
