import Testing
@testable import Ember

/// The book's character model: the one-hot lookup gives the one-hot product's values and
/// gradients, states carry over, and prediction keeps its prefix.
@Suite struct RNNModelTests {
    /// A model over 11 tokens on `kind` with 2 layers, both directions (so the lookup feeds two directions).
    private func model(_ kind: String) -> RNNModel {
        withOwnGenerator(seed: 4) {
            let layer: RNNBase = switch kind {
            case "rnn": RNN(11, 6, numLayers: 2, bidirectional: true)
            case "gru": GRU(11, 6, numLayers: 2, bidirectional: true)
            default: LSTM(11, 6, numLayers: 2, bidirectional: true)
            }
            return RNNModel(layer, vocabSize: 11)
        }
    }

    @Test(arguments: ["rnn", "gru", "lstm"])
    func lookupEqualsTheOneHotProduct(_ kind: String) {
        let m = model(kind)
        let tokens = Tensor.randint(0, 11, [3, 5], generator: Generator(seed: 9))
        let (logits, state) = m(tokens)
        #expect(logits.shape == [15, 11] && state.h.shape == [4, 3, 6] && (state.c != nil) == (kind == "lstm"))
        #expect(graphNames(logits).contains("RnnLayerBackward0"), "the float32 layer runs the fused kernels")
        (logits * logits).sum().backward()
        let lookupGrads = m.parameters().map { $0.grad!.toDoubles() }
        m.zeroGrad()

        let x = F.oneHot(tokens.t(), numClasses: 11).to(.float32)
        let y: Tensor = m.rnn(x)
        let product = m.dense(y.reshape(-1, 12))
        (product * product).sum().backward()
        #expect(zip(logits.toDoubles(), product.toDoubles()).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        for (p, (a, b)) in zip(m.namedParameters().map(\.0), zip(lookupGrads, m.parameters().map { $0.grad!.toDoubles() })) {
            #expect(zip(a, b).allSatisfy { Swift.abs($0 - $1) < 1e-4 }, "\(kind) gradient of \(p)")
        }
    }

    /// The state a call returns continues the sequence: two halves give the whole's logits.
    @Test func stateCarriesOver() {
        let m = withOwnGenerator(seed: 4) { RNNModel(LSTM(11, 6, numLayers: 2), vocabSize: 11) }
        let tokens = Tensor.randint(0, 11, [2, 8], generator: Generator(seed: 2))
        let (whole, _) = noGrad { m(tokens) }
        let (first, state) = noGrad { m(tokens[0..., 0..<4]) }
        let (second, _) = noGrad { m(tokens[0..., 4..<8], state.detach()) }
        let halves = Tensor.cat([first, second]).toDoubles()
        #expect(zip(whole.toDoubles(), halves).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
    }

    @Test func predictionKeepsThePrefixAndIsRepeatable() {
        let m = model("gru")
        let greedy = m.predict(prefix: [3, 1, 4], count: 6)
        #expect(greedy.count == 9 && Array(greedy.prefix(3)) == [3, 1, 4])
        #expect(m.predict(prefix: [3, 1, 4], count: 6) == greedy)
        let drawn = m.predict(prefix: [3], count: 20, temperature: 1, generator: Generator(seed: 1))
        #expect(drawn == m.predict(prefix: [3], count: 20, temperature: 1, generator: Generator(seed: 1)))
        #expect(drawn.allSatisfy { (0..<11).contains($0) })
    }

    /// `F.oneHotLinear` against the one-hot product it replaces (repeated tokens accumulate), its
    /// gradcheck and its second derivatives (the gradient's graph through the product).
    @Test func oneHotLinearIsTheProduct() {
        let tokens = Tensor([3, 0, 3, 6, 1, 3], shape: [2, 3], dtype: .int64)
        let w = Tensor.randn([5, 7], generator: Generator(seed: 3)).requiresGrad_()
        let fast = F.oneHotLinear(tokens, w)
        let g = Tensor.randn([2, 3, 5], generator: Generator(seed: 4))
        (fast * g).sum().backward()
        let fastGrad = w.grad!.toDoubles()
        w.grad = nil
        let product = F.linear(F.oneHot(tokens, numClasses: 7).to(.float32), w)
        (product * g).sum().backward()
        #expect(fast.shape == [2, 3, 5] && fast.toDoubles() == product.toDoubles())
        #expect(zip(fastGrad, w.grad!.toDoubles()).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        expectGradcheck("oneHotLinear", [gcInput([5, 7], seed: 2)]) { t in F.oneHotLinear(tokens, t[0]) }
        // With a bias, added in the same pass: the values and both gradients of `linear` with a bias.
        let bias = Tensor.randn([5], generator: Generator(seed: 5)).requiresGrad_()
        w.grad = nil
        let biased = F.oneHotLinear(tokens, w, bias)
        (biased * g).sum().backward()
        let (fastWeight, fastBias) = (w.grad!.toDoubles(), bias.grad!.toDoubles())
        w.grad = nil
        bias.grad = nil
        let dense = F.linear(F.oneHot(tokens, numClasses: 7).to(.float32), w, bias)
        (dense * g).sum().backward()
        #expect(biased.toDoubles() == dense.toDoubles())
        #expect(zip(fastWeight, w.grad!.toDoubles()).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        #expect(zip(fastBias, bias.grad!.toDoubles()).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        expectGradcheck("oneHotLinear with bias", [gcInput([5, 7], seed: 2), gcInput([5], seed: 3)]) { t in
            F.oneHotLinear(tokens, t[0], t[1])
        }
        doubleBackwardCase("oneHotLinear", outShape: [2, 3, 5], { [gcInput([5, 7], seed: 2)] }) { t in
            F.oneHotLinear(Tensor([3, 0, 3, 6, 1, 3], shape: [2, 3], dtype: .int64), t[0]) * t[0].sum()
        }.check()
    }

    /// A one-hot float input (the book's `F.one_hot(X.T, V).float()`) runs the first layer's input
    /// projection as column picks: outputs, states and every parameter's gradient equal the dense
    /// product's (taken when the input needs its own gradient); a non-finite `W_ih` keeps the
    /// product, whose zeros times infinity give NaN in the other tokens' rows as PyTorch's do.
    @Test func oneHotFloatInputIsTheProduct() {
        let tokens = Tensor.randint(0, 6, [5, 3], generator: Generator(seed: 8))
        let x = F.oneHot(tokens, numClasses: 6).to(.float32)
        #expect(F.oneHotClasses(x)?.toInts() == tokens.toInts())
        #expect(F.oneHotClasses(x * 2) == nil && F.oneHotClasses(Tensor.zeros([2, 6])) == nil)
        var runs: [([Double], [[Double]])] = []
        for needsInputGradient in [false, true] {
            let lstm = withOwnGenerator(seed: 4) { LSTM(6, 7, numLayers: 2, bidirectional: true) }
            let input = needsInputGradient ? x.detach().requiresGrad_() : x
            let (out, (h, c)) = lstm(input)
            (out.sum() + (h * h).sum() + c.sum()).backward()
            runs.append((Tensor.cat([out.reshape([-1]), h.reshape([-1]), c.reshape([-1])]).toDoubles(),
                         lstm.parameters().map { $0.grad!.toDoubles() }))
        }
        #expect(zip(runs[0].0, runs[1].0).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        for (a, b) in zip(runs[0].1, runs[1].1) { #expect(zip(a, b).allSatisfy { Swift.abs($0 - $1) < 1e-5 }) }
        let lstm = LSTM(6, 7)
        let wIh = lstm.namedParameters().first { $0.0 == "weight_ih_l0" }!.1
        noGrad { wIh[0, 5].fill_(.infinity) }
        let (out, _) = lstm(x)
        let firstUnit = out.select(0, 0).select(-1, 0).toDoubles(), firstTokens = tokens.select(0, 0).toInts()
        #expect(zip(firstUnit, firstTokens).allSatisfy { $1 == 5 || $0.isNaN })
        #expect(out.select(0, 4).isnan().all().item() != 0)
    }
}
