/// What the three cells share: `weight_ih` `(G·hidden, input)`, `weight_hh` `(G·hidden, hidden)`
/// and, with `bias`, `bias_ih` and `bias_hh` `(G·hidden)`, for `G` gates, all drawn uniform in
/// ±1/√hidden in that order (PyTorch's `reset_parameters`, so a seeded cell starts from PyTorch's
/// weights). PyTorch: `torch.nn.RNNCellBase`.
public class RNNCellBase: Module {
    public let inputSize: Int
    public let hiddenSize: Int
    /// Whether the cell has `bias_ih` and `bias_hh`.
    public let bias: Bool
    /// `(G·hiddenSize, inputSize)`.
    @Parameter public var weightIh: Tensor
    /// `(G·hiddenSize, hiddenSize)`.
    @Parameter public var weightHh: Tensor
    /// `(G·hiddenSize)`, nil without bias.
    @Parameter public var biasIh: Tensor?
    /// `(G·hiddenSize)`, nil without bias.
    @Parameter public var biasHh: Tensor?

    init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool, gates: Int, dtype: DType, generator: Generator?) {
        check(inputSize >= 0, "input_size must be zero or more, got \(inputSize)")
        check(hiddenSize > 0, "hidden_size must be greater than zero, got \(hiddenSize)")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        weightIh = Tensor.empty([gates * hiddenSize, inputSize], dtype: dtype)
        weightHh = Tensor.empty([gates * hiddenSize, hiddenSize], dtype: dtype)
        biasIh = bias ? Tensor.empty([gates * hiddenSize], dtype: dtype) : nil
        biasHh = bias ? Tensor.empty([gates * hiddenSize], dtype: dtype) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Redraws every parameter uniform in ±1/√hidden. PyTorch: `reset_parameters()`.
    public func resetParameters(generator: Generator? = nil) {
        resetRecurrentParameters(of: self, hiddenSize: hiddenSize, generator: generator)
    }

    /// The input as a batch (an unbatched `(input)` becomes `(1, input)`), the state likewise,
    /// checked as PyTorch checks them; `unbatched` says to squeeze the results back.
    func batched(_ input: Tensor, _ states: [Tensor?]) -> (input: Tensor, states: [Tensor], unbatched: Bool) {
        checkInput(input.dim == 1 || input.dim == 2, "Expected input to be 1D or 2D, got \(input.dim)D instead")
        checkInput(input.shape.last == inputSize,
                   "input has inconsistent input_size: got \(input.shape.last!) expected \(inputSize)")
        checkInput(input.dtype == weightIh.dtype, "input must have the type \(weightIh.dtype), got type \(input.dtype)")
        let unbatched = input.dim == 1
        let x = unbatched ? input.unsqueeze(0) : input
        let states = states.enumerated().map { k, s -> Tensor in
            guard let s else { return Tensor.zeros([x.shape[0], hiddenSize], dtype: input.dtype) }
            let label = states.count == 1 ? "hidden" : "hidden\(k)"
            checkInput(s.dim == input.dim, "Expected \(label) to be \(input.dim)D, got \(s.dim)D instead")
            let h = unbatched ? s.unsqueeze(0) : s
            checkInput(h.shape[0] == x.shape[0], "Input batch size \(x.shape[0]) doesn't match \(label) batch size \(h.shape[0])")
            checkInput(h.shape[1] == hiddenSize, "\(label) has inconsistent hidden_size: got \(h.shape[1]), expected \(hiddenSize)")
            return h
        }
        return (x, states, unbatched)
    }

    public override var extraRepr: String {
        "\(inputSize), \(hiddenSize)" + (bias ? "" : ", bias=False")
    }
}

/// An Elman RNN cell: `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`, or relu. Takes `(N, input)`
/// or an unbatched `(input)`, and an optional state `(N, hidden)` (zeros when absent).
/// PyTorch: `torch.nn.RNNCell`.
public final class RNNCell: RNNCellBase {
    /// The nonlinearity: `.tanh` or `.relu`.
    public let nonlinearity: RNN.Nonlinearity

    /// PyTorch: `nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`.
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, nonlinearity: RNN.Nonlinearity = .tanh,
                dtype: DType = .float32, generator: Generator? = nil) {
        self.nonlinearity = nonlinearity
        super.init(inputSize, hiddenSize, bias: bias, gates: 1, dtype: dtype, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor { step(input, nil) }
    public override func forward(_ input: Tensor, _ hx: Tensor) -> Tensor { step(input, hx) }

    private func step(_ input: Tensor, _ hx: Tensor?) -> Tensor {
        let (x, h, unbatched) = batched(input, [hx])
        let out = F.rnnCell(x, h[0], weightIh, weightHh, biasIh, biasHh, relu: nonlinearity == .relu)
        return unbatched ? out.squeeze(0) : out
    }

    public override var extraRepr: String { super.extraRepr + (nonlinearity == .tanh ? "" : ", nonlinearity=relu") }
}

/// A GRU cell in PyTorch's form (`F.gruCell`). Takes `(N, input)` or an unbatched `(input)` and
/// an optional state `(N, hidden)`. PyTorch: `torch.nn.GRUCell`.
public final class GRUCell: RNNCellBase {
    /// PyTorch: `nn.GRUCell(input_size, hidden_size, bias=True)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, dtype: DType = .float32, generator: Generator? = nil) {
        super.init(inputSize, hiddenSize, bias: bias, gates: 3, dtype: dtype, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor { step(input, nil) }
    public override func forward(_ input: Tensor, _ hx: Tensor) -> Tensor { step(input, hx) }

    private func step(_ input: Tensor, _ hx: Tensor?) -> Tensor {
        let (x, h, unbatched) = batched(input, [hx])
        let out = F.gruCell(x, h[0], weightIh, weightHh, biasIh, biasHh)
        return unbatched ? out.squeeze(0) : out
    }
}

/// An LSTM cell (`F.lstmCell`): `cell(x, (h, c))` gives `(h', c')`. Takes `(N, input)` or an
/// unbatched `(input)`; without a state, both start at zero. `cell(x)` alone, as a one-tensor
/// module (in `Sequential`, `summary`), gives `h'`. PyTorch: `torch.nn.LSTMCell`.
public final class LSTMCell: RNNCellBase {
    /// PyTorch: `nn.LSTMCell(input_size, hidden_size, bias=True)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, dtype: DType = .float32, generator: Generator? = nil) {
        super.init(inputSize, hiddenSize, bias: bias, gates: 4, dtype: dtype, generator: generator)
    }

    /// `(h', c')` from the input and the state `(h, c)` (zeros when nil), then the forward hooks,
    /// which see the input and state tensors and `h'`. PyTorch: `cell(input, (h, c))`.
    public func callAsFunction(_ input: Tensor, _ state: (Tensor, Tensor)? = nil) -> (Tensor, Tensor) {
        let (h, c) = step(input, state)
        return (runHooks([input] + (state.map { [$0.0, $0.1] } ?? []), h), c)
    }

    public override func forward(_ input: Tensor) -> Tensor { step(input, nil).0 }

    private func step(_ input: Tensor, _ state: (Tensor, Tensor)?) -> (Tensor, Tensor) {
        let (x, s, unbatched) = batched(input, [state?.0, state?.1])
        let (h, c) = F.lstmCell(x, s[0], s[1], weightIh, weightHh, biasIh, biasHh)
        return unbatched ? (h.squeeze(0), c.squeeze(0)) : (h, c)
    }
}

/// The recurrent layers' and cells' initialization: every parameter of `module`, in order, uniform
/// in ±1/√hidden (PyTorch's `RNNBase` and `RNNCellBase.reset_parameters`).
func resetRecurrentParameters(of module: Module, hiddenSize: Int, generator: Generator?) {
    let bound = 1 / Double(hiddenSize).squareRoot()
    noGrad { for p in module.parameters() { Init.uniform_(p, a: -bound, b: bound, generator: generator) } }
}
