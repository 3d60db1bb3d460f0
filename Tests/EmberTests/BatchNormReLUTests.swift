import Testing
@testable import Ember

/// A batch norm followed by a ReLU, fused into one op (`Sequential`, `BatchNormLayer.callThenReLU`):
/// the same values, gradients and running statistics as the two layers one after the other, in
/// training and in evaluation.
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

    /// In evaluation the fused op uses the running statistics: the same values and gradients as
    /// the two layers.
    @Test(arguments: shapes) func fusedEvaluationMatchesTheTwoLayers(shape: [Int]) {
        manualSeed(4)
        let norm: BatchNormLayer = shape.count == 4 ? BatchNorm2d(3) : BatchNorm1d(3)
        noGrad {
            norm.weight!.copy_(Tensor([0.5, -1.5, 2.0]))
            norm.bias!.copy_(Tensor([0.1, 0.3, -0.2]))
            norm.runningMean!.copy_(Tensor([0.2, -0.1, 0.05]))
            norm.runningVar!.copy_(Tensor([0.8, 1.3, 0.6]))
        }
        let net = Sequential(norm, ReLU())
        net.eval()
        let x = Tensor.randn(shape), seed = Tensor.randn(shape)
        let xFused = x.clone().requiresGrad_(), xPlain = x.clone().requiresGrad_()
        let yFused = net(xFused), yPlain = norm(xPlain).relu()
        #expect(yFused.gradFn?.name == "ReluBackward0")
        #expect(yFused.gradFn?.nextFunctions.first??.name != "NativeBatchNormBackward0")
        #expect(yFused.equal(yPlain))
        #expect(noGrad { net(x) }.equal(yPlain.detach()))
        let weightGrads = [norm.weight!, norm.bias!].map { p -> Tensor in
            p.grad = nil
            return p
        }
        yFused.backward(gradient: seed)
        let fusedGrads = weightGrads.map { $0.grad!.clone() }
        weightGrads.forEach { $0.grad = nil }
        yPlain.backward(gradient: seed)
        #expect(xFused.grad!.allclose(xPlain.grad!, rtol: 1e-5, atol: 1e-6))
        for (a, b) in zip(fusedGrads, weightGrads.map { $0.grad! }) { #expect(a.allclose(b, rtol: 1e-5, atol: 1e-6)) }
    }

    @Test(arguments: shapes) func fusedEvaluationGradcheck(shape: [Int]) {
        let inputs = [gcInput(shape), gcInput([3], seed: 2), gcInput([3], seed: 3)]
        let mean = Tensor([0.2, -0.1, 0.05], dtype: .float64), variance = Tensor([0.8, 1.3, 0.6], dtype: .float64)
        expectGradcheck("evaluation batch norm + ReLU \(shape)", inputs) { xs in
            F.batchNorm(xs[0], runningMean: mean, runningVar: variance, weight: xs[1], bias: xs[2], training: false,
                        momentum: 0.1, eps: 1e-5, relu: true)
        }
    }

    @Test func fusedEvaluationDoubleBackward() {
        let mean = Tensor([0.2, -0.1, 0.05], dtype: .float64), variance = Tensor([0.8, 1.3, 0.6], dtype: .float64)
        doubleBackwardCase("evaluation batch norm + ReLU, double backward", outShape: [2, 3, 4, 5],
                           { [gcInput([2, 3, 4, 5]), gcInput([3], seed: 2), gcInput([3], seed: 3)] }) { xs in
            F.batchNorm(xs[0], runningMean: mean, runningVar: variance, weight: xs[1], bias: xs[2], training: false,
                        momentum: 0.1, eps: 1e-5, relu: true)
        }.check()
    }

    /// A hook on the batch norm sees its own output, so the two layers then run apart.
    @Test func hooksRunTheLayersApart() {
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
        #expect(net(x).gradFn?.nextFunctions.first??.name != "NativeBatchNormBackward0")
    }
}
