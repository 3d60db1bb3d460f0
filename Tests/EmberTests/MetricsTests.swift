import Testing
@testable import Ember

@Suite struct MetricsTests {
    @Test func accuracyCountsCorrectArgmax() {
        let logits = Tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]] as [[Float]])
        let labels = Tensor([1, 1, 1] as [Int64])
        #expect(accuracy(logits, labels) == 2)
    }

    @Test func accuracyComparesPredictionsDirectly() {
        #expect(accuracy(Tensor([2, 0, 1] as [Int64]), Tensor([2, 1, 1] as [Int64])) == 2)
    }

    @Test func accumulatorAddsAndResets() {
        var acc = Accumulator(2)
        acc.add(1, 10)
        acc.add(2.5, 5)
        #expect(acc[0] == 3.5 && acc[1] == 15)
        acc.reset()
        #expect(acc.data == [0, 0])
    }

    @Test func evaluateWeightsBatchesBySize() {
        // The model returns the batch as logits; batch 1: 2 of 2 right, batch 2: 0 of 1 right.
        let batches = [
            (Tensor([[0.0, 1.0], [1.0, 0.0]] as [[Float]]), Tensor([1, 0] as [Int64])),
            (Tensor([[0.0, 1.0]] as [[Float]]), Tensor([0] as [Int64])),
        ]
        let perBatch = batches.map { F.crossEntropy($0.0, $0.1).item() }
        let result = evaluate(model: { $0 }, batches: batches)
        #expect(result.count == 3)
        #expect(abs(result.accuracy - 2.0 / 3) < 1e-12)
        #expect(abs(result.loss - (perBatch[0] * 2 + perBatch[1]) / 3) < 1e-6)
    }

    @Test func evaluateRecordsNoGraph() {
        let w = Tensor.randn(2, 2).requiresGrad_()
        var sawGrad = true
        _ = evaluate(model: { x in let out = x.matmul(w); sawGrad = out.requiresGrad; return out },
                     batches: [(Tensor.randn(3, 2), Tensor([0, 1, 0] as [Int64]))])
        #expect(!sawGrad)
    }
}
