import Testing
@testable import Ember

// The recurrent layers and cells against PyTorch (`Tests/Fixtures/recurrent.json`,
// `/work/torch215/bin/python scripts/fixtures/recurrent.py`): initial weights for a seed, outputs,
// final states and every gradient in float32; float64 gradchecks of the composed path.

/// A fixture entry `[name, tensor]`.
struct NamedFixtureTensor: Decodable {
    let name: String
    let tensor: FixtureTensor

    init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        name = try c.decode(String.self)
        tensor = try c.decode(FixtureTensor.self)
    }
}

struct RecurrentCase: Decodable {
    let kind: String
    let args: [String: JSONValue]
    let seed: UInt64
    let params: [NamedFixtureTensor]
    let input: FixtureTensor
    let h0: FixtureTensor?, c0: FixtureTensor?
    let w_out: FixtureTensor, w_h: FixtureTensor?, w_c: FixtureTensor?
    let output: FixtureTensor, h_n: FixtureTensor?, c_n: FixtureTensor?
    let grad_input: FixtureTensor, grad_h0: FixtureTensor?, grad_c0: FixtureTensor?
    let grads: [NamedFixtureTensor]

    func int(_ key: String, _ fallback: Int) -> Int { args[key]?.optionalInt ?? fallback }
    func bool(_ key: String, _ fallback: Bool) -> Bool { args[key].map(\.bool) ?? fallback }
}

struct RecurrentFixtures: Decodable {
    let torch: String
    let cases: [String: RecurrentCase]
}

let recurrentFixtures: RecurrentFixtures = loadFixtures("recurrent.json")

/// A module of the case's kind and arguments, and how to run it on an input and optional states:
/// the output and the final states (nil where the kind has none).
private func recurrentModule(_ c: RecurrentCase) -> (Module, (Tensor, Tensor?, Tensor?) -> (Tensor, Tensor?, Tensor?)) {
    let (i, h) = (c.int("input_size", 0), c.int("hidden_size", 0))
    let (layers, bias, bf, bi) = (c.int("num_layers", 1), c.bool("bias", true), c.bool("batch_first", false), c.bool("bidirectional", false))
    let lengths = c.args["lengths"]?.ints, sorted = c.bool("enforce_sorted", true)
    /// `body` on the input, packed first when the case has lengths (and the output padded back).
    func maybePacked<S>(_ x: Tensor, _ state: S?, _ padded: (Tensor, S?) -> (Tensor, Tensor, Tensor?),
                        _ packed: (PackedSequence, S?) -> (PackedSequence, Tensor, Tensor?)) -> (Tensor, Tensor?, Tensor?) {
        guard let lengths else { return padded(x, state) }
        let (o, h, cn) = packed(F.packPaddedSequence(x, lengths: lengths, batchFirst: bf, enforceSorted: sorted), state)
        return (F.padPackedSequence(o, batchFirst: bf).0, h, cn)
    }
    switch c.kind {
    case "rnn_tanh", "rnn_relu":
        let m = RNN(i, h, numLayers: layers, nonlinearity: c.kind == "rnn_relu" ? .relu : .tanh, bias: bias, batchFirst: bf, bidirectional: bi)
        return (m, { x, h0, _ in maybePacked(x, h0, { let (o, hn) = m($0, $1); return (o, hn, nil) },
                                              { let (o, hn) = m($0, $1); return (o, hn, nil) }) })
    case "gru":
        let m = GRU(i, h, numLayers: layers, bias: bias, batchFirst: bf, bidirectional: bi)
        return (m, { x, h0, _ in maybePacked(x, h0, { let (o, hn) = m($0, $1); return (o, hn, nil) },
                                              { let (o, hn) = m($0, $1); return (o, hn, nil) }) })
    case "lstm":
        let m = LSTM(i, h, numLayers: layers, bias: bias, batchFirst: bf, bidirectional: bi, projSize: c.int("proj_size", 0))
        return (m, { x, h0, c0 in
            maybePacked(x, h0.map { ($0, c0!) }, { let (o, (hn, cn)) = m($0, $1); return (o, hn, cn) },
                        { let (o, (hn, cn)) = m($0, $1); return (o, hn, cn) })
        })
    case "rnn_tanh_cell", "rnn_relu_cell":
        let m = RNNCell(i, h, bias: bias, nonlinearity: c.kind == "rnn_relu_cell" ? .relu : .tanh)
        return (m, { x, h0, _ in (h0.map { m(x, $0) } ?? m(x), nil, nil) })
    case "gru_cell":
        let m = GRUCell(i, h, bias: bias)
        return (m, { x, h0, _ in (h0.map { m(x, $0) } ?? m(x), nil, nil) })
    case "lstm_cell":
        let m = LSTMCell(i, h, bias: bias)
        return (m, { x, h0, c0 in let (hn, cn) = m(x, h0.map { ($0, c0!) }); return (hn, nil, cn) })
    default: fatalError("unknown kind \(c.kind)")
    }
}

@Suite struct RecurrentTests {
    @Test(arguments: recurrentFixtures.cases.keys.sorted())
    func matchesPyTorch(_ name: String) {
        let c = recurrentFixtures.cases[name]!
        let (module, run) = withOwnGenerator(seed: c.seed) { recurrentModule(c) }
        let params = module.namedParameters()
        #expect(params.map(\.0) == c.params.map(\.name), "\(name): parameter names")
        for ((key, p), want) in zip(params, c.params) { expectMatches(p, want.tensor, "\(name) initial \(key)") }

        let x = c.input.make().requiresGrad_(), h0 = c.h0?.make().requiresGrad_(), c0 = c.c0?.make().requiresGrad_()
        let (out, hN, cN) = run(x, h0, c0)
        expectMatches(out, c.output, "\(name) output")
        var loss = (out * c.w_out.make()).sum()
        if let want = c.h_n, let hN, let w = c.w_h {
            expectMatches(hN, want, "\(name) h_n")
            loss = loss + (hN * w.make()).sum()
        }
        if let want = c.c_n, let cN, let w = c.w_c {
            expectMatches(cN, want, "\(name) c_n")
            loss = loss + (cN * w.make()).sum()
        }
        #expect((hN != nil) == (c.h_n != nil) && (cN != nil) == (c.c_n != nil), "\(name): states returned")
        loss.backward()
        expectMatches(x.grad!, c.grad_input, "\(name) input gradient")
        if let want = c.grad_h0 { expectMatches(h0!.grad!, want, "\(name) h0 gradient") }
        if let want = c.grad_c0 { expectMatches(c0!.grad!, want, "\(name) c0 gradient") }
        for ((key, p), want) in zip(params, c.grads) { expectMatches(p.grad!, want.tensor, "\(name) gradient of \(key)") }
    }

    /// Gradcheck in float64 of each layer, two layers both ways, through the input, the initial
    /// states and every parameter.
    @Test(arguments: ["rnn_tanh", "rnn_relu", "gru", "lstm", "lstm_proj"])
    func layersPassGradcheck(_ kind: String) {
        let module: RNNBase = withOwnGenerator(seed: 3) {
            switch kind {
            case "rnn_tanh": RNN(3, 2, numLayers: 2, bidirectional: true, dtype: .float64)
            case "rnn_relu": RNN(3, 2, numLayers: 2, nonlinearity: .relu, bidirectional: true, dtype: .float64)
            case "gru": GRU(3, 2, numLayers: 2, bidirectional: true, dtype: .float64)
            case "lstm": LSTM(3, 2, numLayers: 2, bidirectional: true, dtype: .float64)
            default: LSTM(3, 3, numLayers: 2, bidirectional: true, projSize: 2, dtype: .float64)
            }
        }
        let lstm = module as? LSTM
        let x = gcInput([2, 2, 3], seed: 1), h0 = gcInput([4, 2, module.outputSize], seed: 2)
        let c0 = lstm.map { gcInput([4, 2, $0.hiddenSize], seed: 4) }
        let inputs = [x, h0] + (c0.map { [$0] } ?? []) + module.parameters()
        expectGradcheck(kind, inputs) { t in
            if let lstm {
                let (o, (h, c)) = lstm(t[0], (t[1], t[2]))
                return Tensor.cat([o.reshape([-1]), h.reshape([-1]), c.reshape([-1])])
            }
            let (o, h) = module is GRU ? (module as! GRU)(t[0], t[1]) : (module as! RNN)(t[0], t[1])
            return Tensor.cat([o.reshape([-1]), h.reshape([-1])])
        }
    }

    /// The cells' steps twice differentiated (gradgradcheck).
    @Test func cellsHaveSecondDerivatives() {
        doubleBackwardCase("gruCell", outShape: [2, 2], { [gcInput([2, 3], seed: 1), gcInput([2, 2], seed: 2),
                                                           gcInput([6, 3], seed: 3), gcInput([6, 2], seed: 4)] }) { t in
            F.gruCell(t[0], t[1], t[2], t[3])
        }.check()
        doubleBackwardCase("lstmCell", outShape: [2, 2], { [gcInput([2, 3], seed: 1), gcInput([2, 2], seed: 2), gcInput([2, 2], seed: 5),
                                                            gcInput([8, 3], seed: 3), gcInput([8, 2], seed: 4)] }) { t in
            let (h, c) = F.lstmCell(t[0], t[1], t[2], t[3], t[4])
            return h * c
        }.check()
    }

    /// Dropout acts between layers in training only; the module's one-tensor call gives the output.
    @Test func dropoutBetweenLayersInTrainingOnly() {
        let lstm = withOwnGenerator { LSTM(4, 8, numLayers: 2, dropout: 0.5) }
        let x = Tensor.randn([5, 3, 4], generator: Generator(seed: 1))
        lstm.eval()
        let (a, _) = lstm(x), b: Tensor = lstm(x)
        #expect(a.toDoubles() == b.toDoubles())
        lstm.train()
        let c: Tensor = withOwnGenerator { lstm(x) }
        #expect(c.shape == [5, 3, 8] && c.toDoubles() != a.toDoubles())
        #expect(lstm.description == "LSTM(4, 8, num_layers=2, dropout=0.5)")
    }

    /// Forward hooks see the input and the state tensors and may replace the output.
    @Test func hooksSeeTheStateAndReplaceTheOutput() {
        let gru = withOwnGenerator { GRU(2, 3) }
        var seen: [[Int]] = []
        gru.registerForwardHook { _, inputs, output in
            seen = inputs.map(\.shape)
            return output * 0
        }
        let (o, h) = gru(Tensor.ones([4, 1, 2]), Tensor.zeros([1, 1, 3]))
        #expect(seen == [[4, 1, 2], [1, 1, 3]])
        #expect(o.abs().sum().item() == 0 && h.abs().sum().item() > 0)
    }

    /// Packing and padding as PyTorch's `pack_sequence(..., enforce_sorted=False)`: longest first
    /// (ties in order), step by step, and back in the caller's order.
    @Test func packingRoundTrips() {
        let a = Tensor([1.0, 2, 3]), b = Tensor([4.0]), c = Tensor([5.0, 6])
        let padded = F.padSequence([a, b, c], batchFirst: true, paddingValue: -1)
        #expect(padded.shape == [3, 3] && padded.toDoubles() == [1, 2, 3, 4, -1, -1, 5, 6, -1])
        let packed = F.packSequence([a, b, c], enforceSorted: false)
        #expect(packed.data.toDoubles() == [1, 5, 4, 2, 6, 3])
        #expect(packed.batchSizes.toInts() == [3, 2, 1])
        #expect(packed.sortedIndices?.toInts() == [0, 2, 1] && packed.unsortedIndices?.toInts() == [0, 2, 1])
        let (back, lengths) = F.padPackedSequence(packed, batchFirst: true, totalLength: 4)
        #expect(back.shape == [3, 4] && back.toDoubles() == [1, 2, 3, 0, 4, 0, 0, 0, 5, 6, 0, 0])
        #expect(lengths.toInts() == [3, 1, 2])
    }

    @Test func unsortedLengthsAreRefusedWhenSortingIsEnforced() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.packPaddedSequence(Tensor.zeros([3, 2, 1]), lengths: [2, 3])
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.packPaddedSequence(Tensor.zeros([3, 2, 1]), lengths: [0, 3], enforceSorted: false)
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("Length of all samples has to be greater than 0"))
        }
    }

    @Test func wrongInputSizeIsPyTorchsMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LSTM(5, 4)(Tensor.zeros([3, 2, 6])) as (Tensor, (Tensor, Tensor))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("input.size(-1) must be equal to input_size. Expected 5, got 6"))
        }
    }

    /// The input's dtype is checked against the weights before the states are.
    @Test func wrongInputDTypeIsPyTorchsMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LSTM(2, 3)(Tensor.zeros([4, 1, 2], dtype: .float64), (Tensor.zeros([1, 1, 3]), Tensor.zeros([1, 1, 3])))
                as (Tensor, (Tensor, Tensor))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("input must have the type torch.float32, got type torch.float64"))
        }
    }

    @Test func wrongHiddenShapeIsPyTorchsMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = GRU(5, 4, numLayers: 2)(Tensor.zeros([3, 2, 5]), Tensor.zeros([2, 3, 4])) as (Tensor, Tensor)
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("Expected hidden size (2, 2, 4), got [2, 3, 4]"))
        }
    }
}
