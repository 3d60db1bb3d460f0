import Testing
@testable import Ember

/// `summary` of the zoo's LeNet for one 32 × 32 image, pinned as text.
enum LeNetSummary {
    static let expected = """
        ================================================================================================
        Layer (type)                                          Output Shape       Param #       Mult-Adds
        ================================================================================================
        (LeNet)                                                    [1, 10]            --              --
        0 (Conv2d)                                          [1, 6, 28, 28]           156         122,304
        1 (ReLU)                                            [1, 6, 28, 28]             0               0
        2 (AvgPool2d)                                       [1, 6, 14, 14]             0               0
        3 (Conv2d)                                         [1, 16, 10, 10]         2,416         241,600
        4 (ReLU)                                           [1, 16, 10, 10]             0               0
        5 (AvgPool2d)                                        [1, 16, 5, 5]             0               0
        6 (Flatten)                                               [1, 400]             0               0
        7 (Linear)                                                [1, 120]        48,120          48,120
        8 (ReLU)                                                  [1, 120]             0               0
        9 (Linear)                                                 [1, 84]        10,164          10,164
        10 (ReLU)                                                  [1, 84]             0               0
        11 (Linear)                                                [1, 10]           850             850
        ================================================================================================
        Total params: 61,706
        Trainable params: 61,706
        Non-trainable params: 0
        Total mult-adds (M): 0.42
        ================================================================================================
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.12
        Params size (MB): 0.25
        Estimated total size (MB): 0.37
        ================================================================================================
        """
}

@Suite struct SummaryTests {
    @Test func leNetsTableIsPinned() {
        #expect(LeNet().summary(inputShape: [1, 1, 32, 32]).description == LeNetSummary.expected)
    }

    /// Folding at depth 1 keeps the totals; each stage's row carries its subtree's parameters;
    /// running the summary moves neither the running statistics, the mode nor the generator.
    @Test func foldedRowsSumTheirSubtrees() { withOwnGenerator { foldedRowsOnThisThread() } }

    private func foldedRowsOnThisThread() {
        let model = ResNet()
        model.train()
        let before = getRngState().toInts()
        let full = model.summary(inputShape: [2, 1, 96, 96], depth: 9)
        let folded = model.summary(inputShape: [2, 1, 96, 96], depth: 1)
        #expect(getRngState().toInts() == before)
        #expect(model.training && model.modules().allSatisfy(\.training))
        #expect(model.namedBuffers().filter { $0.0.hasSuffix("num_batches_tracked") }.allSatisfy { $0.1.itemInt() == 0 })
        #expect(folded.totalParams == 11_178_378 && folded.multAdds == full.multAdds)
        #expect(folded.rows.count == 12 && folded.rows.allSatisfy { $0.depth <= 1 })
        let stage = folded.rows.first { $0.name == "4" }!
        #expect(stage.params == model[4].parameters().reduce(0) { $0 + $1.numel })
        #expect(stage.multAdds == full.rows.filter { $0.name.hasPrefix("4.") && $0.isFolded }.reduce(0) { $0 + $1.multAdds })
        #expect(stage.outputShape == [2, 64, 24, 24])
        #expect(folded.rows.reduce(0) { $0 + ($1.isFolded ? $1.params : 0) } == folded.totalParams)
    }
}
