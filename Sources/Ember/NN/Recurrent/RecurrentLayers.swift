import Foundation

/// What `RNN`, `LSTM` and `GRU` share: stacked layers, each run forward (and, when
/// bidirectional, backward) over the sequence, with PyTorch's parameters per layer `k` and
/// direction (`_reverse` for the backward one): `weight_ih_lk` `(G·hidden, in)` with `in` the
/// input size for the first layer and `D·out` after it, `weight_hh_lk` `(G·hidden, out)`,
/// `bias_ih_lk` and `bias_hh_lk` `(G·hidden)` with `bias`, and `weight_hr_lk` `(proj, hidden)`
/// for an LSTM with `projSize`, where `out` is `projSize` or else `hidden`, `D` the number of
/// directions and `G` the gates (1, 4 for LSTM, 3 for GRU). Every parameter starts uniform in
/// ±1/√hidden, in that order, as PyTorch draws them. PyTorch: `torch.nn.RNNBase`.
///
/// Inputs are `(L, N, input)` (`(N, L, input)` with `batchFirst`) or unbatched `(L, input)`;
/// states `(D·numLayers, N, out)` (cell states `(D·numLayers, N, hidden)`), or without `N` for
/// unbatched input, zeros when not given. The output is `(L, N, D·out)`, the last layer's
/// states at every step, both directions concatenated.
public class RNNBase: Module {
    /// The recurrence a layer runs.
    public enum Mode: Sendable { case rnnTanh, rnnRelu, lstm, gru }

    public let mode: Mode
    public let inputSize: Int
    public let hiddenSize: Int
    public let numLayers: Int
    /// Whether the layers have `bias_ih` and `bias_hh`.
    public let bias: Bool
    /// Whether inputs and outputs are `(N, L, features)`; states are `(D·layers, N, hidden)` either way.
    public let batchFirst: Bool
    /// The probability of zeroing each output of every layer but the last, in training.
    public let dropout: Double
    public let bidirectional: Bool
    /// The size of an LSTM's projected hidden state, 0 for none.
    public let projSize: Int

    /// One layer-direction's parameters, as slots (a loaded state dict or `to(dtype:)` replaces
    /// their tensors).
    struct Weights {
        let ih: TensorSlot, hh: TensorSlot, biasIh: TensorSlot?, biasHh: TensorSlot?, hr: TensorSlot?
    }
    /// Per layer, then direction.
    private(set) var weights: [Weights] = []

    init(mode: Mode, _ inputSize: Int, _ hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool,
         dropout: Double, bidirectional: Bool, projSize: Int, dtype: DType, generator: Generator?) {
        check(dropout >= 0 && dropout <= 1,
              "dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        check(inputSize >= 0, "input_size must be zero or more, got \(inputSize)")
        check(hiddenSize > 0, "hidden_size must be greater than zero")
        check(numLayers > 0, "num_layers must be greater than zero")
        check(projSize >= 0, "proj_size should be a positive integer or zero to disable projections")
        check(projSize < hiddenSize, "proj_size has to be smaller than hidden_size")
        if dropout > 0 && numLayers == 1 {
            FileHandle.standardError.write(Data(("UserWarning: dropout option adds dropout after all but last recurrent layer, "
                + "so non-zero dropout expects num_layers greater than 1, but got dropout=\(dropout) and num_layers=1\n").utf8))
        }
        (self.mode, self.inputSize, self.hiddenSize, self.numLayers) = (mode, inputSize, hiddenSize, numLayers)
        (self.bias, self.batchFirst, self.dropout, self.bidirectional, self.projSize) = (bias, batchFirst, dropout, bidirectional, projSize)
        super.init()
        let gates = switch mode { case .lstm: 4; case .gru: 3; default: 1 }
        let out = outputSize, rows = gates * hiddenSize
        for layer in 0..<numLayers {
            for direction in 0..<directions {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                func add(_ name: String, _ shape: [Int]) -> TensorSlot {
                    registerParameter(name + suffix, Tensor.empty(shape, dtype: dtype))
                    return registeredTensors[registeredTensors.count - 1].slot
                }
                let ih = add("weight_ih", [rows, layer == 0 ? inputSize : directions * out]), hh = add("weight_hh", [rows, out])
                let bIh = bias ? add("bias_ih", [rows]) : nil, bHh = bias ? add("bias_hh", [rows]) : nil
                weights.append(Weights(ih: ih, hh: hh, biasIh: bIh, biasHh: bHh, hr: projSize > 0 ? add("weight_hr", [projSize, hiddenSize]) : nil))
            }
        }
        resetParameters(generator: generator)
    }

    /// 2 when bidirectional, else 1.
    public var directions: Int { bidirectional ? 2 : 1 }
    /// The size of the hidden state each direction outputs: `projSize`, or `hiddenSize` without projection.
    var outputSize: Int { projSize > 0 ? projSize : hiddenSize }

    /// Redraws every parameter uniform in ±1/√hidden. PyTorch: `reset_parameters()`.
    public func resetParameters(generator: Generator? = nil) {
        resetRecurrentParameters(of: self, hiddenSize: hiddenSize, generator: generator)
    }

    /// The module's name in PyTorch's messages.
    var layerName: String { switch mode { case .lstm: "LSTM"; case .gru: "GRU"; default: "RNN" } }

    /// The output, final hidden states and (LSTM) final cell states for `input` and the optional
    /// initial states, checked as PyTorch checks them.
    func run(_ input: Tensor, _ h0: Tensor?, _ c0: Tensor?) -> (Tensor, Tensor, Tensor?) {
        guard let tracer = ThreadState.current.onnxTracer, tracer.depth == 0 else { return runUntraced(input, h0, c0) }
        let names = [input, h0, c0].map { $0.map { tracer.name(of: .tensor($0), for: layerName) } }
        tracer.depth += 1
        defer { tracer.depth -= 1 }
        let result = runUntraced(input, h0, c0)
        recordONNX(tracer, input: input, names[0]!, h0: names[1], c0: names[2], result)
        return result
    }

    private func runUntraced(_ input: Tensor, _ h0: Tensor?, _ c0: Tensor?) -> (Tensor, Tensor, Tensor?) {
        check(input.dim == 2 || input.dim == 3, "\(layerName): Expected input to be 2D or 3D, got \(input.dim)D instead")
        check(input.shape.last == inputSize,
              "input.size(-1) must be equal to input_size. Expected \(inputSize), got \(input.shape.last!)")
        checkDType(input.dtype)
        let unbatched = input.dim == 2
        let x = unbatched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input
        check(x.shape[0] > 0, "Expected sequence length to be larger than 0 in RNN")
        let (h, c) = initialStates(h0, c0, unbatched: unbatched, batch: x.shape[1], dtype: input.dtype)
        let (out, hN, cN) = oneHotTokens(x).map { runLayers($0, batchSizes: nil, h, c, tokens: true) }
            ?? runLayers(x, batchSizes: nil, h, c)
        let output = unbatched ? out.squeeze(1) : batchFirst ? out.transpose(0, 1) : out
        return (output, unbatched ? hN.squeeze(1) : hN, unbatched ? cN?.squeeze(1) : cN)
    }

    /// The classes of `x` `(L, N, in)` when it is a one-hot float input that needs no gradient and
    /// the first layer's `W_ih` are finite, so that picking `W_ih`'s columns (`run(oneHot:)`) gives
    /// the product's values (a zero times an infinite weight would make it NaN); nil otherwise.
    private func oneHotTokens(_ x: Tensor) -> Tensor? {
        guard !x.requiresGrad,
              (0..<directions).allSatisfy({ weights[$0].ih.tensor!.isfinite().all().item() != 0 }) else { return nil }
        return F.oneHotClasses(x)
    }

    /// `run` for int64 `tokens` `(L, N)` one-hot over `inputSize` classes, without the one-hot
    /// tensor: the first layer's input projection `one_hot(tokens) W_ihᵀ + b_ih` picks columns of
    /// `W_ih` (`F.oneHotLinear`: the same values as the product; a character model's largest cost saved).
    /// No hooks run. For `RNNModel`.
    func run(oneHot tokens: Tensor, _ h0: Tensor?, _ c0: Tensor?) -> (Tensor, Tensor, Tensor?) {
        check(tokens.dim == 2 && tokens.dtype == .int64, "expected int64 tokens of shape (steps, batch), got \(tokens.dtype) \(shapeString(tokens.shape))")
        check(tokens.shape[0] > 0, "Expected sequence length to be larger than 0 in RNN")
        let (h, c) = initialStates(h0, c0, unbatched: false, batch: tokens.shape[1], dtype: parameterDType)
        return runLayers(tokens, batchSizes: nil, h, c, tokens: true)
    }

    /// `run` on packed sequences: the initial states are in the caller's batch order, and so are
    /// the final ones (each sequence's state at its own last step).
    func run(_ input: PackedSequence, _ h0: Tensor?, _ c0: Tensor?) -> (PackedSequence, Tensor, Tensor?) {
        check(input.data.dim == 2, "input must have 2 dimensions, got \(input.data.dim)")
        check(input.data.shape[1] == inputSize,
              "input.size(-1) must be equal to input_size. Expected \(inputSize), got \(input.data.shape[1])")
        checkDType(input.data.dtype)
        let sizes = input.batchSizes.toInts()
        let toSorted = { (t: Tensor) in input.sortedIndices.map { t.indexSelect(1, $0) } ?? t }
        let toCaller = { (t: Tensor) in input.unsortedIndices.map { t.indexSelect(1, $0) } ?? t }
        let (h, c) = initialStates(h0.map(toSorted), c0.map(toSorted), unbatched: false, batch: sizes.first ?? 0,
                                   dtype: input.data.dtype)
        let (out, hN, cN) = runLayers(input.data, batchSizes: sizes, h, c)
        return (input.with(data: out), toCaller(hN), cN.map(toCaller))
    }

    /// Every layer and direction over `x`, padded `(L, N, in)` or packed `(Σ lengths, in)` with
    /// `batchSizes`, from the states `h`, `c` `(D·layers, N, size)`: the last layer's output in
    /// the same form and the final states.
    private func runLayers(_ x: Tensor, batchSizes: [Int]?, _ h: Tensor, _ c: Tensor?, tokens: Bool = false) -> (Tensor, Tensor, Tensor?) {
        var layerInput = x, hN: [Tensor] = [], cN: [Tensor] = []
        for layer in 0..<numLayers {
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let k = layer * directions + direction
                let (o, hk, ck) = runDirection(layerInput, batchSizes, h[k], c?[k], weights[k], reverse: direction == 1,
                                               tokens: tokens && layer == 0)
                outputs.append(o)
                hN.append(hk)
                if let ck { cN.append(ck) }
            }
            layerInput = outputs.count == 1 ? outputs[0] : Tensor.cat(outputs, dim: -1)
            if dropout > 0 && training && layer < numLayers - 1 { layerInput = F.dropout(layerInput, p: dropout) }
        }
        return (layerInput, Tensor.stack(hN), mode == .lstm ? Tensor.stack(cN) : nil)
    }

    /// The dtype of the layer's parameters, which inputs and states must have.
    var parameterDType: DType { weights[0].ih.tensor!.dtype }

    /// Stops unless the input has the weights' dtype (checked before the states, as PyTorch does).
    private func checkDType(_ dtype: DType) {
        check(dtype == parameterDType, "input must have the type \(parameterDType), got type \(dtype)")
    }

    /// The initial states as `(D·layers, N, size)`: the given ones checked, zeros otherwise.
    private func initialStates(_ h0: Tensor?, _ c0: Tensor?, unbatched: Bool, batch: Int, dtype: DType) -> (Tensor, Tensor?) {
        let rank = unbatched ? 2 : 3, lstm = mode == .lstm, rows = directions * numLayers
        if lstm, let h0, let c0 {
            check(h0.dim == rank && c0.dim == rank, unbatched
                ? "For unbatched 2-D input, hx and cx should also be 2-D but got (\(h0.dim)-D, \(c0.dim)-D) tensors"
                : "For batched 3-D input, hx and cx should also be 3-D but got (\(h0.dim)-D, \(c0.dim)-D) tensors")
        } else if let h0 {
            check(h0.dim == rank, unbatched ? "For unbatched 2-D input, hx should also be 2-D but got \(h0.dim)-D tensor"
                : "For batched 3-D input, hx should also be 3-D but got \(h0.dim)-D tensor")
        }
        func state(_ given: Tensor?, _ size: Int, _ label: String) -> Tensor {
            guard let given else { return Tensor.zeros([rows, batch, size], dtype: dtype) }
            let s = unbatched ? given.unsqueeze(1) : given
            let expected = unbatched ? [rows, size] : [rows, batch, size]
            check(s.shape == [rows, batch, size], "Expected \(label) size \(PyRepr.tuple(expected)), got \(shapeString(given.shape))")
            check(s.dtype == dtype, "\(label) must have the type \(dtype), got type \(s.dtype)")
            return s
        }
        return (state(h0, outputSize, lstm ? "hidden[0]" : "hidden"), lstm ? state(c0, hiddenSize, "hidden[1]") : nil)
    }

    /// One direction of one layer over `x`, padded `(L, N, in)` or packed with `batchSizes`: the
    /// steps' states in the same form and the last ones. The input's projection for every step is
    /// one matrix product (a one-hot input's, rows of `W_ih` picked by the kernels as they run);
    /// the steps then run on `FusedRecurrence`'s kernels where they take the layer, else as Ember
    /// ops (`steps`).
    private func runDirection(_ x: Tensor, _ batchSizes: [Int]?, _ h0: Tensor, _ c0: Tensor?, _ w: Weights,
                              reverse: Bool, tokens: Bool) -> (Tensor, Tensor, Tensor?) {
        let wIh = w.ih.tensor!, bIh = w.biasIh?.tensor, wHh = w.hh.tensor!, bHh = w.biasHh?.tensor, wHr = w.hr?.tensor
        let project = { tokens ? F.oneHotLinear(x, wIh, bIh) : F.linear(x, wIh, bIh) }
        guard batchSizes == nil, h0.shape[0] > 0, FusedRecurrence.runs(wIh.dtype, projected: wHr != nil) else {
            return steps(project(), batchSizes, h0, c0, wHh, bHh, wHr, reverse: reverse)
        }
        // A one-hot input's projection is read by the kernels from `W_ih` as the steps run.
        let xProj = tokens ? nil : project()
        let composed = { self.steps(xProj ?? project(), nil, h0, c0, wHh, bHh, wHr, reverse: reverse) }
        let cell: RecurrenceKernels.Cell = switch mode { case .rnnTanh: .tanh; case .rnnRelu: .relu; case .lstm: .lstm; case .gru: .gru }
        return FusedRecurrence(cell: cell, input: xProj.map { .projected($0) } ?? .oneHot(tokens: x, weight: wIh, bias: bIh),
                               h0: h0, c0: c0, wHh: wHh, bHh: bHh, reverse: reverse).run(composed: composed)
    }

    /// The steps of one direction as Ember ops, from the input's projection `xProj`. In a packed
    /// batch, step `t` runs the first `batchSizes[t]` sequences (the longest); the others keep
    /// their state, which is each one's final state going forward and still the initial one going
    /// backward, where the shorter sequences start later.
    private func steps(_ xProj: Tensor, _ batchSizes: [Int]?, _ h0: Tensor, _ c0: Tensor?, _ wHh: Tensor, _ bHh: Tensor?,
                       _ wHr: Tensor?, reverse: Bool) -> (Tensor, Tensor, Tensor?) {
        let steps = batchSizes?.count ?? xProj.shape[0], n = h0.shape[0]
        var offsets = [0]
        for b in batchSizes ?? [] { offsets.append(offsets.last! + b) }
        /// The first `b` rows of a state, and a state whose first `b` rows are `head`.
        func rows(_ t: Tensor?, _ b: Int) -> Tensor? { b == n ? t : t?.narrow(0, 0, b) }
        func merge(_ head: Tensor, _ all: Tensor) -> Tensor { head.shape[0] == n ? head : Tensor.cat([head, all.narrow(0, head.shape[0], n - head.shape[0])]) }
        var h = h0, c = c0, outputs = [Tensor?](repeating: nil, count: steps)
        for t in reverse ? Array((0..<steps).reversed()) : Array(0..<steps) {
            let b = batchSizes?[t] ?? n
            let xt = batchSizes == nil ? xProj.select(0, t) : xProj.narrow(0, offsets[t], b)
            let hb = rows(h, b)!
            let hNext: Tensor
            switch mode {
            case .rnnTanh, .rnnRelu: hNext = F.rnnStep(xt, hb, wHh, bHh, relu: mode == .rnnRelu)
            case .gru: hNext = F.gruStep(xt, hb, wHh, bHh)
            case .lstm:
                let (hCell, cNext) = F.lstmStep(xt, hb, rows(c, b)!, wHh, bHh)
                hNext = wHr.map { F.linear(hCell, $0) } ?? hCell
                c = merge(cNext, c!)
            }
            h = merge(hNext, h)
            outputs[t] = hNext
        }
        let out = outputs.map { $0! }
        return (batchSizes == nil ? Tensor.stack(out) : Tensor.cat(out), h, c)
    }

    /// The output of `input` from zero states, as a one-tensor module (in `Sequential`, `summary`).
    public override func forward(_ input: Tensor) -> Tensor { run(input, nil, nil).0 }

    /// The output of `input` from the hidden state `h0` (RNN, GRU; an LSTM's call takes `(h0, c0)`).
    public override func forward(_ input: Tensor, _ h0: Tensor) -> Tensor {
        check(mode != .lstm, "LSTM: the initial state is a pair (h0, c0): call lstm(input, (h0, c0))")
        return run(input, h0, nil).0
    }

    /// RNN's and GRU's call on packed sequences: `(output, h_n)`, then the forward hooks (which see
    /// the packed data and `h0`, and the output's data).
    func callWithHidden(_ input: PackedSequence, _ h0: Tensor?) -> (PackedSequence, Tensor) {
        let (output, hN, _) = run(input, h0, nil)
        return (output.with(data: runHooks([input.data] + (h0.map { [$0] } ?? []), output.data)), hN)
    }

    /// RNN's and GRU's call: `(output, h_n)`, then the forward hooks.
    func callWithHidden(_ input: Tensor, _ h0: Tensor?) -> (Tensor, Tensor) {
        let (output, hN, _) = run(input, h0, nil)
        return (runHooks([input] + (h0.map { [$0] } ?? []), output), hN)
    }

    public override var extraRepr: String {
        var s = "\(inputSize), \(hiddenSize)"
        if projSize != 0 { s += ", proj_size=\(projSize)" }
        if numLayers != 1 { s += ", num_layers=\(numLayers)" }
        if !bias { s += ", bias=False" }
        if batchFirst { s += ", batch_first=True" }
        if dropout != 0 { s += ", dropout=\(PyRepr.float(dropout))" }
        if bidirectional { s += ", bidirectional=True" }
        return s
    }
}

/// A multi-layer Elman RNN, `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)` (or relu):
/// `let (output, hN) = rnn(input, h0)`. `rnn(input)` as a one-tensor module gives the output
/// alone. PyTorch: `torch.nn.RNN`.
public final class RNN: RNNBase {
    /// An Elman RNN's nonlinearity.
    public enum Nonlinearity: Sendable { case tanh, relu }

    /// PyTorch: `nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    /// batch_first=False, dropout=0.0, bidirectional=False)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
                bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                dtype: DType = .float32, generator: Generator? = nil) {
        super.init(mode: nonlinearity == .tanh ? .rnnTanh : .rnnRelu, inputSize, hiddenSize, numLayers: numLayers,
                   bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: 0,
                   dtype: dtype, generator: generator)
    }

    /// `(output, h_n)`, then the forward hooks (which see the input and `h0`, and the output).
    public func callAsFunction(_ input: Tensor, _ h0: Tensor? = nil) -> (Tensor, Tensor) { callWithHidden(input, h0) }

    /// `(output, h_n)` for packed sequences (`F.packPaddedSequence`), `h_n` in the caller's order.
    public func callAsFunction(_ input: PackedSequence, _ h0: Tensor? = nil) -> (PackedSequence, Tensor) { callWithHidden(input, h0) }
}

/// A multi-layer GRU of `F.gruCell` steps: `let (output, hN) = gru(input, h0)`. `gru(input)` as
/// a one-tensor module gives the output alone. PyTorch: `torch.nn.GRU`.
public final class GRU: RNNBase {
    /// PyTorch: `nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    /// dropout=0.0, bidirectional=False)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32, generator: Generator? = nil) {
        super.init(mode: .gru, inputSize, hiddenSize, numLayers: numLayers, bias: bias, batchFirst: batchFirst,
                   dropout: dropout, bidirectional: bidirectional, projSize: 0, dtype: dtype, generator: generator)
    }

    /// `(output, h_n)`, then the forward hooks (which see the input and `h0`, and the output).
    public func callAsFunction(_ input: Tensor, _ h0: Tensor? = nil) -> (Tensor, Tensor) { callWithHidden(input, h0) }

    /// `(output, h_n)` for packed sequences (`F.packPaddedSequence`), `h_n` in the caller's order.
    public func callAsFunction(_ input: PackedSequence, _ h0: Tensor? = nil) -> (PackedSequence, Tensor) { callWithHidden(input, h0) }
}

/// A multi-layer LSTM of `F.lstmCell` steps, with an optional projection of the hidden state
/// (`projSize`: `h_t = W_hr (o_t ⊙ tanh(c_t))`): `let (output, (hN, cN)) = lstm(input, (h0, c0))`.
/// `lstm(input)` as a one-tensor module gives the output alone. PyTorch: `torch.nn.LSTM`.
public final class LSTM: RNNBase {
    /// PyTorch: `nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    /// dropout=0.0, bidirectional=False, proj_size=0)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0, dtype: DType = .float32,
                generator: Generator? = nil) {
        super.init(mode: .lstm, inputSize, hiddenSize, numLayers: numLayers, bias: bias, batchFirst: batchFirst,
                   dropout: dropout, bidirectional: bidirectional, projSize: projSize, dtype: dtype, generator: generator)
    }

    /// `(output, (h_n, c_n))`, then the forward hooks (which see the input and states, and the output).
    public func callAsFunction(_ input: Tensor, _ state: (Tensor, Tensor)? = nil) -> (Tensor, (Tensor, Tensor)) {
        let (output, hN, cN) = run(input, state?.0, state?.1)
        return (runHooks([input] + (state.map { [$0.0, $0.1] } ?? []), output), (hN, cN!))
    }

    /// `(output, (h_n, c_n))` for packed sequences (`F.packPaddedSequence`), states in the caller's order.
    public func callAsFunction(_ input: PackedSequence, _ state: (Tensor, Tensor)? = nil) -> (PackedSequence, (Tensor, Tensor)) {
        let (output, hN, cN) = run(input, state?.0, state?.1)
        return (output.with(data: runHooks([input.data] + (state.map { [$0.0, $0.1] } ?? []), output.data)), (hN, cN!))
    }
}
