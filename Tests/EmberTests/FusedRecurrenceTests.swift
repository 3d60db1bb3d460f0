import Testing
@testable import Ember

// The float32 recurrence kernels (`FusedRecurrence`) against the composed float64 layers: hidden
// sizes that fill eight-float vectors and leave a tail, long sequences, both directions, first
// and second derivatives.

/// The largest absolute difference between two tensors' values.
private func maxDifference(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.toDoubles(), b.toDoubles()).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}

/// A layer of `kind` (`rnn_tanh`, `rnn_relu`, `gru`, `lstm`) on 5 features with 2 layers, both
/// directions, from a fixed seed.
func recurrentLayer(_ kind: String, hidden: Int, bias: Bool = true) -> RNNBase {
    withOwnGenerator(seed: 7) {
        switch kind {
        case "rnn_tanh": RNN(5, hidden, numLayers: 2, bias: bias, bidirectional: true)
        case "rnn_relu": RNN(5, hidden, numLayers: 2, nonlinearity: .relu, bias: bias, bidirectional: true)
        case "gru": GRU(5, hidden, numLayers: 2, bias: bias, bidirectional: true)
        default: LSTM(5, hidden, numLayers: 2, bias: bias, bidirectional: true)
        }
    }
}

/// The output and final states of `module` on `x` from `h0` (and `c0` for an LSTM), or from zeros
/// when they are nil, flattened into one.
func flatRecurrentRun(_ module: RNNBase, _ x: Tensor, _ h0: Tensor?, _ c0: Tensor?) -> Tensor {
    if let lstm = module as? LSTM {
        let (o, (h, c)) = lstm(x, h0.map { ($0, c0!) })
        return Tensor.cat([o.reshape([-1]), h.reshape([-1]), c.reshape([-1])])
    }
    let (o, h) = module is GRU ? (module as! GRU)(x, h0) : (module as! RNN)(x, h0)
    return Tensor.cat([o.reshape([-1]), h.reshape([-1])])
}

@Suite struct FusedRecurrenceTests {
    /// Outputs, states and every gradient of a float32 layer (fused) equal the float64 layer's (composed).
    @Test(arguments: ["rnn_tanh", "rnn_relu", "gru", "lstm"], [(20, true), (8, false)])
    func matchesTheComposedLayer(_ kind: String, _ config: (hidden: Int, bias: Bool)) {
        expectKernelsMatchComposed(kind, hidden: config.hidden, bias: config.bias, steps: 9, batch: 3)
    }

    /// The same with shapes that cross the packed products' blocks: `W_hh` deeper than 256 and
    /// taller than 96 rows (LSTM and GRU at 70 hidden units), more than 256 steps × rows in the
    /// weight gradient, and parts of 7 rows (6 and a tail) on two threads.
    @Test(arguments: ["gru", "lstm"])
    func matchesTheComposedLayerAcrossProductBlocks(_ kind: String) {
        expectKernelsMatchComposed(kind, hidden: 70, bias: true, steps: 20, batch: 14)
    }

    /// Without an initial state (zeros that need no gradient) the kernels skip the first step's
    /// product and its share of `dW_hh`: one step (where `dW_hh` is all zero) and nine, both directions.
    @Test(arguments: ["rnn_tanh", "gru", "lstm"], [1, 9])
    func matchesTheComposedLayerFromZeroState(_ kind: String, _ steps: Int) {
        expectKernelsMatchComposed(kind, hidden: 20, bias: true, steps: steps, batch: 3, zeroState: true)
    }

    private func expectKernelsMatchComposed(_ kind: String, hidden: Int, bias: Bool, steps: Int, batch: Int, zeroState: Bool = false) {
        let single = recurrentLayer(kind, hidden: hidden, bias: bias), double = recurrentLayer(kind, hidden: hidden, bias: bias).to(.float64)
        let g = Generator(seed: 11)
        let x = Tensor.randn([steps, batch, 5], generator: g), h0 = Tensor.randn([4, batch, hidden], generator: g)
        let c0 = Tensor.randn([4, batch, hidden], generator: g)
        let w = Tensor.randn([steps * batch * 2 * hidden + 4 * batch * hidden * (kind == "lstm" ? 2 : 1)], generator: g)
        var grads: [[Tensor]] = []
        var outputs: [Tensor] = []
        for (module, dtype) in [(single, DType.float32), (double, .float64)] {
            let inputs = [x.to(dtype).detach().requiresGrad_()]
                + [h0, c0].map { zeroState ? Tensor.zeros($0.shape, dtype: dtype) : $0.to(dtype).detach().requiresGrad_() }
            let out = flatRecurrentRun(module, inputs[0], inputs[1], inputs[2])
            (out * w.to(dtype)).sum().backward()
            outputs.append(out)
            grads.append(inputs.prefix(zeroState ? 1 : kind == "lstm" ? 3 : 2).map { $0.grad! } + module.parameters().map { $0.grad! })
        }
        #expect(maxDifference(outputs[0], outputs[1]) < 1e-5, "\(kind) outputs")
        for (i, (a, b)) in zip(grads[0], grads[1]).enumerated() {
            #expect(maxDifference(a, b) < 1e-4 * Swift.max(1, maxDifference(b, b * 0)), "\(kind) gradient \(i)")
        }
    }

    /// Float32 layers record the fused node, float64 layers the composed steps.
    @Test func float32LayersRunTheKernels() {
        let x = Tensor.randn([4, 2, 5]).requiresGrad_()
        for kind in ["rnn_tanh", "gru", "lstm"] {
            let out = flatRecurrentRun(recurrentLayer(kind, hidden: 6), x, Tensor.zeros([4, 2, 6]), Tensor.zeros([4, 2, 6]))
            #expect(graphNames(out).contains("RnnLayerBackward0"), "\(kind)")
        }
        let double = flatRecurrentRun(recurrentLayer("lstm", hidden: 6).to(.float64), x.to(.float64), Tensor.zeros([4, 2, 6], dtype: .float64),
                             Tensor.zeros([4, 2, 6], dtype: .float64))
        #expect(!graphNames(double).contains("RnnLayerBackward0"))
    }

    /// A gradient taken with a graph (double backward) through the fused node equals the composed layer's.
    @Test(arguments: ["gru", "lstm"])
    func secondDerivativesMatchTheComposedLayer(_ kind: String) {
        var results: [[Double]] = []
        for dtype in [DType.float32, .float64] {
            let module = recurrentLayer(kind, hidden: 9).to(dtype)
            let x = Tensor.randn([6, 2, 5], generator: Generator(seed: 5)).to(dtype).requiresGrad_()
            let h0 = Tensor.zeros([4, 2, 9], dtype: dtype), c0 = Tensor.zeros([4, 2, 9], dtype: dtype)
            let out = flatRecurrentRun(module, x, h0, c0)
            let gx = autograd.grad((out * out).sum(), [x], createGraph: true)[0]!
            (gx * gx).sum().backward()
            results.append(x.grad!.toDoubles() + module.parameters().flatMap { $0.grad!.toDoubles() })
        }
        let worst = zip(results[0], results[1]).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
        #expect(worst < 1e-3, "\(kind): \(worst)")
    }

    /// A one-hot input's first layer reads `W_ih`'s columns in the kernels (its projection is no
    /// node of its own): first and second derivatives of every parameter equal the float64 layer's,
    /// composed from the one-hot product.
    @Test(arguments: ["rnn_tanh", "gru", "lstm"])
    func oneHotInputsMatchTheComposedLayer(_ kind: String) {
        let x = F.oneHot(Tensor.randint(0, 5, [6, 3], generator: Generator(seed: 4)), numClasses: 5)
        var results: [[Double]] = []
        for dtype in [DType.float32, .float64] {
            let module = recurrentLayer(kind, hidden: 9).to(dtype)
            let h0 = Tensor.zeros([4, 3, 9], dtype: dtype), c0 = Tensor.zeros([4, 3, 9], dtype: dtype)
            let out = flatRecurrentRun(module, x.to(dtype), h0, c0)
            if dtype == .float32 {
                // No `F.oneHotLinear` node (`AddmmBackward0`): the first layer's projection is the kernels'.
                #expect(graphNames(out).contains("RnnLayerBackward0") && !graphNames(out).contains("AddmmBackward0"))
            }
            let grads = autograd.grad((out * out).sum(), module.parameters(), createGraph: true)
            let firsts = grads.flatMap { $0!.toDoubles() }
            grads.map { ($0! * $0!).sum() }.reduce(Tensor(0.0, dtype: dtype), +).backward()
            results.append(firsts + module.parameters().flatMap { $0.grad!.toDoubles() })
        }
        let worst = zip(results[0], results[1]).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1) / Swift.max(1, Swift.abs($1.1))) }
        #expect(worst < 1e-4, "\(kind): \(worst)")
    }
}

/// The names of every node in `t`'s graph.
func graphNames(_ t: Tensor) -> Set<String> {
    var names = Set<String>(), seen = Set<ObjectIdentifier>(), stack = [t.gradFn].compactMap { $0 }
    while let node = stack.popLast() {
        guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
        names.insert(node.name)
        stack += node.nextFunctions.compactMap { $0 }
    }
    return names
}
