import Foundation
import Testing
@testable import Ember

/// When the backward pass lets go of the forward pass's intermediates: once the rules that read
/// them have run, as in PyTorch, not when the whole walk ends.
@Suite struct BackwardMemoryTests {
    /// `y` is read by `sin`'s rule and produced by a product whose rule ignores its output: it is
    /// freed once `sin` has run, before the gradient reaches `x`.
    @Test func anIntermediateIsFreedOnceItsReadersHaveRun() {
        let x = Tensor([0.5, 1.0], dtype: .float64, requiresGrad: true)
        weak var probe: Tensor?
        var z: Tensor?
        do {
            let y = x * 2.0
            probe = y
            z = y.sin() * 3.0
        }
        #expect(probe != nil)  // the graph holds it until backward
        var freedBeforeTheLeaf = false
        let handle = x.registerPostAccumulateGradHook { _ in freedBeforeTheLeaf = probe == nil }
        z!.sum().backward()
        handle.remove()
        #expect(freedBeforeTheLeaf)
        #expect(x.grad!.allclose(6.0 * (2.0 * x.detach()).cos()))
    }

    /// `exp`'s rule reads its output, which only the graph holds once `sin` (its reader) has run.
    @Test func aRuleThatReadsItsOutputStillGetsIt() {
        let x = Tensor([0.5, -1.0, 2.0], dtype: .float64, requiresGrad: true)
        let z = x.exp().sin()
        z.sum().backward(retainGraph: true)
        let expected = x.detach().exp().cos() * x.detach().exp()
        #expect(x.grad!.allclose(expected))
        z.sum().backward()
        #expect(x.grad!.allclose(2.0 * expected))
    }

    /// A producer that holds its output for a walk but never runs in it (here `exp`, which
    /// `autograd.grad` with respect to its output does not need) lets go at the walk's end, so
    /// output and graph do not keep each other alive.
    @Test func aProducerThatNeverRanLetsGoOfItsOutput() {
        let x = Tensor([0.5, 1.0], dtype: .float64, requiresGrad: true)
        weak var probe: Tensor?
        do {
            let y = x.exp()
            probe = y
            let g = autograd.grad(outputs: [y.sin().sum()], inputs: [y])
            #expect(g[0]!.allclose(y.detach().cos()))
        }
        #expect(probe == nil)
    }
}

extension BackwardMemoryTests {
    /// Convolutions, in-place ReLUs and pooling as VGG stacks them: when the first convolution's
    /// weight gradient arrives, every later layer's output (its memory, not only the tensor) has been freed.
    @Test func aNetworksActivationsAreFreedDuringBackward() {
        manualSeed(0)
        let net = Sequential(Conv2d(1, 4, kernelSize: 3, padding: 1), ReLU(inplace: true), MaxPool2d(2),
                             Conv2d(4, 8, kernelSize: 3, padding: 1), ReLU(inplace: true),
                             Conv2d(8, 8, kernelSize: 3, padding: 1), ReLU(inplace: true), MaxPool2d(2),
                             Flatten(), Linear(8 * 4 * 4, 3))
        final class Probes: @unchecked Sendable { var layers: [(String, WeakStorage)] = [] }
        struct WeakStorage { weak var storage: Storage? }
        let probes = Probes()
        for (name, m) in net.namedChildren() {
            m.registerForwardHook { _, _, out in probes.layers.append((name, WeakStorage(storage: out.storage))); return nil }
        }
        let loss = net(Tensor.randn([2, 1, 16, 16])).sum()
        var alive: [String] = []
        let first = net.parameters()[0]
        _ = first.registerPostAccumulateGradHook { _ in
            alive = probes.layers.dropFirst(2).filter { $0.1.storage != nil }.map(\.0)
        }
        loss.backward()
        #expect(alive == [])
    }
}
