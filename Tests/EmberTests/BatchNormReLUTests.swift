import Testing
@testable import Ember

/// A batch norm followed by a ReLU, fused into one op while training (`Sequential`,
/// `BatchNormLayer.callThenReLU`): the same values, gradients and running statistics as the two
/// layers one after the other.
@Suite struct BatchNormReLUTests {
    /// Shapes for both kernel paths: planes of 20 elements (by plane), of 4 and of 1 (by column).
    static let shapes: [[Int]] = [[2, 3, 4, 5], [4, 3, 2, 2], [6, 3]]

    @Test(arguments: shapes) func fusedMatchesTheTwoLayers(shape: [Int]) {
        manualSeed(3)
        let norm: () -> BatchNormLayer = { shape.count == 4 ? BatchNorm2d(3) : BatchNorm1d(3) }
        let fusedNorm = norm(), plainNorm = norm()
        for layer in [fusedNorm, plainNorm] {
            noGrad {
                layer.weight!.copy_(Tensor([0.5, -1.5, 2.0]))
                layer.bias!.copy_(Tensor([0.1, 0.3, -0.2]))
            }
        }
        let fused = Sequential(fusedNorm, ReLU())
        let x = Tensor.randn(shape), seed = Tensor.randn(shape)
        let xFused = x.clone().requiresGrad_(), xPlain = x.clone().requiresGrad_()
        let yFused = fused(xFused), yPlain = plainNorm(xPlain).relu()
        #expect(yFused.gradFn?.name == "ReluBackward0")
        #expect(yFused.equal(yPlain))
        yFused.backward(gradient: seed)
        yPlain.backward(gradient: seed)
        #expect(xFused.grad!.allclose(xPlain.grad!, rtol: 1e-5, atol: 1e-6))
        #expect(fusedNorm.weight!.grad!.allclose(plainNorm.weight!.grad!, rtol: 1e-5, atol: 1e-6))
        #expect(fusedNorm.bias!.grad!.allclose(plainNorm.bias!.grad!, rtol: 1e-5, atol: 1e-6))
        #expect(fusedNorm.runningMean!.equal(plainNorm.runningMean!))
        #expect(fusedNorm.runningVar!.equal(plainNorm.runningVar!))
    }

    @Test(arguments: shapes) func fusedGradcheck(shape: [Int]) {
        let inputs = [gcInput(shape), gcInput([3], seed: 2), gcInput([3], seed: 3)]
        expectGradcheck("batch norm + ReLU \(shape)", inputs) { xs in
            F.batchNorm(xs[0], runningMean: nil, runningVar: nil, weight: xs[1], bias: xs[2], training: true,
                        momentum: 0.1, eps: 1e-5, relu: true)
        }
    }

    @Test func fusedDoubleBackward() {
        doubleBackwardCase("batch norm + ReLU, double backward", outShape: [2, 3, 4, 5],
                           { [gcInput([2, 3, 4, 5]), gcInput([3], seed: 2), gcInput([3], seed: 3)] }) { xs in
            F.batchNorm(xs[0], runningMean: nil, runningVar: nil, weight: xs[1], bias: xs[2], training: true,
                        momentum: 0.1, eps: 1e-5, relu: true)
        }.check()
    }

    /// A hook on the batch norm sees its own output, so the two layers then run apart; in
    /// evaluation they run apart too (the ONNX export records them as two nodes).
    @Test func hooksAndEvaluationRunTheLayersApart() {
        let norm = BatchNorm2d(2)
        let net = Sequential(norm, ReLU())
        var seen: Tensor?
        let handle = norm.registerForwardHook { _, _, out in seen = out; return nil }
        let x = Tensor.randn([2, 2, 3, 3], requiresGrad: true)
        let y = net(x)
        #expect(seen?.gradFn?.name == "NativeBatchNormBackward0")
        #expect(y.equal(seen!.relu()))
        handle.remove()
        net.eval()
        #expect(net(x).gradFn?.name == "ReluBackward0")
        #expect(net(x).gradFn?.nextFunctions.first??.name == "NativeBatchNormBackward0")
    }
}
