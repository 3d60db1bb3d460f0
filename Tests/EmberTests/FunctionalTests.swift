import Testing
@testable import Ember

// The `F` operators beyond the op table (`OpTable/FunctionalCore.swift` checks their values and
// gradients against PyTorch): dropout's masks and gradients, graph names, extreme inputs, and the
// error messages of misuse.

/// Dropout draws its masks from Ember's generator, so its gradients are checked by finite
/// differences with a seeded generator rather than against PyTorch (the op table has the rest of `F`).
let dropoutGradCases: [GradCase] = [
    GradCase("dropout", { [gcInput([2, 3])] }) { F.dropout($0[0], p: 0.4, generator: Generator(seed: 3)) },
    GradCase("dropout2d", { [gcInput([2, 3, 2, 2])] }) {
        F.dropout2d($0[0], p: 0.5, generator: Generator(seed: 4))
    },
]

@Suite struct FunctionalTests {
    @Test(arguments: dropoutGradCases) func dropoutGradients(_ c: GradCase) { c.check() }

    @Test func crossEntropyEndsInNllLossBackward() {
        let logits = Tensor.randn([3, 4], requiresGrad: true)
        let loss = F.crossEntropy(logits, Tensor([0, 1, 3]))
        #expect(loss.gradFn?.name == "NllLossBackward0")
        #expect(loss.gradFn?.nextFunctions.first??.name == "LogSoftmaxBackward0")
    }

    @Test func crossEntropyStaysFiniteOnExtremeLogits() {
        let logits = Tensor([[1e4, -1e4, 0], [-1e4, 1e4, 5e3]], requiresGrad: true)
        let loss = F.crossEntropy(logits, Tensor([1, 0]))
        loss.backward()
        #expect(loss.item().isFinite)
        #expect(Swift.abs(loss.item() - 2e4) < 1)
        #expect(logits.grad!.toDoubles().allSatisfy { $0.isFinite })
        #expect(F.logSoftmax(logits, dim: 1).toDoubles().allSatisfy { $0.isFinite })
    }

    @Test func softmaxOfAScalarIsOne() {
        #expect(F.softmax(Tensor(3.0), dim: 0).item() == 1)
        #expect(F.logSoftmax(Tensor(3.0), dim: -1).item() == 0)
        #expect(F.softmax(Tensor(3.0), dim: 0).shape == [])
    }

    @Test func embeddingPaddingRowGetsNoGradient() {
        let weight = Tensor.randn([4, 2], dtype: .float64, generator: Generator(seed: 1)).requiresGrad_()
        F.embedding(gcIndex([1, 3, 1, 0]), weight, paddingIdx: 1).sum().backward()
        #expect(weight.grad!.toDoubles() == [1, 1, 0, 0, 0, 0, 1, 1])
    }

    @Test func dropoutKeepsOrScales() {
        let x = Tensor.ones([1000])
        let y = F.dropout(x, p: 0.25, generator: Generator(seed: 9))
        let values = y.toDoubles()
        #expect(values.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.75) < 1e-6 })
        let dropped = Double(values.filter { $0 == 0 }.count) / 1000
        #expect(dropped > 0.2 && dropped < 0.3)
        #expect(F.dropout(x, p: 0.25, generator: Generator(seed: 9)).toDoubles() == values)
        #expect(F.dropout(x, p: 0.25, training: false) === x)
        #expect(F.dropout(x, p: 1).toDoubles().allSatisfy { $0 == 0 })
    }

    /// Attention's dropout is `F.dropout` of the softmax weights on the default generator: seeded
    /// alike, the manual computation gets the same output; `dropoutP: 0` draws nothing; each
    /// row's kept weights are scaled by 1 / (1 − p). (The op table checks the output and
    /// gradients against PyTorch's, whose CPU attention draws as `F.dropout` does.)
    @Test func attentionDropoutIsDropoutOfTheWeights() {
        let q = Tensor.randn([2, 3, 4], dtype: .float64, generator: Generator(seed: 1))
        let k = Tensor.randn([2, 5, 4], dtype: .float64, generator: Generator(seed: 2))
        let v = Tensor.randn([2, 5, 3], dtype: .float64, generator: Generator(seed: 3))
        let weights = (q.matmul(k.mT) * 0.5).softmax(dim: -1)
        withOwnGenerator(seed: 7) {
            let got = F.scaledDotProductAttention(q, k, v, dropoutP: 0.3)
            manualSeed(7)
            let manual = F.dropout(weights, p: 0.3).matmul(v)
            #expect(Swift.abs((got - manual).abs().max().item()) < 1e-12)
            // The kept weights, scaled: recovered from the output with V = I.
            manualSeed(7)
            let eye = Tensor.eye(5, dtype: .float64).expand([2, 5, 5])
            let dropped = F.scaledDotProductAttention(q, k, eye, dropoutP: 0.3).toDoubles()
            for (d, w) in zip(dropped, weights.toDoubles()) {
                #expect(d == 0 || Swift.abs(d - w / 0.7) < 1e-12)
            }
        }
        withOwnGenerator(seed: 7) {
            let before = getRngState()
            let plain = F.scaledDotProductAttention(q, k, v, dropoutP: 0)
            #expect(getRngState().toInts() == before.toInts(), "dropoutP 0 draws from the generator")
            #expect(plain.toDoubles() == F.scaledDotProductAttention(q, k, v).toDoubles())
            #expect((plain - weights.matmul(v)).abs().max().item() < 1e-12)
        }
    }

    @Test func dropout2dDropsWholeChannels() {
        for shape in [[4, 8, 2, 3], [8, 2, 3]] {
            let y = F.dropout2d(Tensor.ones(shape), p: 0.5, generator: Generator(seed: 2))
            let channels = y.reshape([-1, 6]).toDoubles()
            var kinds = Set<Double>()
            for c in Swift.stride(from: 0, to: channels.count, by: 6) {
                let ch = Array(channels[c..<(c + 6)])
                #expect(Set(ch).count == 1, "channel mixes kept and dropped elements")
                kinds.insert(ch[0])
            }
            #expect(kinds == [0, 2])
        }
    }

    @Test func targetOutOfBounds() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.crossEntropy(Tensor.zeros(3, 5), Tensor([1, 2, 12]))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("Target 12 is out of bounds."))
        }
    }

    @Test func batchSizeMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.crossEntropy(Tensor.zeros(3, 5), Tensor([1, 2]))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("Expected input batch_size (3) to match target batch_size (2)."))
        }
    }

    @Test func linearShapeMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.linear(Tensor.zeros(2, 2, 3), Tensor.zeros(4, 5))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("mat1 and mat2 shapes cannot be multiplied (4x3 and 5x4)"))
        }
    }
}
