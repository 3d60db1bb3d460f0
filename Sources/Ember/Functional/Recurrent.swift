/// One time step of the recurrent cells, composed of Ember's differentiable ops (so every dtype,
/// double backward and gradcheck come with them). The layers project the whole sequence's input
/// at once (`xProj = x W_ihᵀ + b_ih` for every step, one matrix product) and run the `…Step`
/// functions step by step on it, as PyTorch's own composed path does; the cells are the same
/// steps on a one-step projection.
extension F {
    /// `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (`relu` in place of tanh with `relu: true`).
    /// PyTorch: `torch.rnn_tanh_cell`, `torch.rnn_relu_cell`.
    public static func rnnCell(_ input: Tensor, _ hx: Tensor, _ wIh: Tensor, _ wHh: Tensor,
                               _ bIh: Tensor? = nil, _ bHh: Tensor? = nil, relu: Bool = false) -> Tensor {
        rnnStep(linear(input, wIh, bIh), hx, wHh, bHh, relu: relu)
    }

    /// An LSTM step: gates `x W_ihᵀ + b_ih + h W_hhᵀ + b_hh` split as input, forget, cell and
    /// output gates `(i, f, g, o)`; `c' = σ(f) c + σ(i) tanh(g)`, `h' = σ(o) tanh(c')`.
    /// PyTorch: `torch.lstm_cell`.
    public static func lstmCell(_ input: Tensor, _ hx: Tensor, _ cx: Tensor, _ wIh: Tensor, _ wHh: Tensor,
                                _ bIh: Tensor? = nil, _ bHh: Tensor? = nil) -> (Tensor, Tensor) {
        lstmStep(linear(input, wIh, bIh), hx, cx, wHh, bHh)
    }

    /// A GRU step in PyTorch's form (the reset gate applied after the hidden projection, "linear
    /// before reset"): with `x W_ihᵀ + b_ih` and `h W_hhᵀ + b_hh` each split as reset, update and
    /// new parts `(r, z, n)`, `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r h_n)`,
    /// `h' = (1 − z) n + z h`. PyTorch: `torch.gru_cell`.
    public static func gruCell(_ input: Tensor, _ hx: Tensor, _ wIh: Tensor, _ wHh: Tensor,
                               _ bIh: Tensor? = nil, _ bHh: Tensor? = nil) -> Tensor {
        gruStep(linear(input, wIh, bIh), hx, wHh, bHh)
    }

    /// `rnnCell` given the input's projection.
    static func rnnStep(_ xProj: Tensor, _ h: Tensor, _ wHh: Tensor, _ bHh: Tensor?, relu: Bool) -> Tensor {
        let pre = xProj + linear(h, wHh, bHh)
        return relu ? pre.relu() : pre.tanh()
    }

    /// `lstmCell` given the input's projection.
    static func lstmStep(_ xProj: Tensor, _ h: Tensor, _ c: Tensor, _ wHh: Tensor, _ bHh: Tensor?) -> (Tensor, Tensor) {
        let gates = (xProj + linear(h, wHh, bHh)).chunk(4, dim: -1)
        let cNext = gates[1].sigmoid() * c + gates[0].sigmoid() * gates[2].tanh()
        return (gates[3].sigmoid() * cNext.tanh(), cNext)
    }

    /// `gruCell` given the input's projection.
    static func gruStep(_ xProj: Tensor, _ h: Tensor, _ wHh: Tensor, _ bHh: Tensor?) -> Tensor {
        let x = xProj.chunk(3, dim: -1), hp = linear(h, wHh, bHh).chunk(3, dim: -1)
        let r = (x[0] + hp[0]).sigmoid(), z = (x[1] + hp[1]).sigmoid()
        let n = (x[2] + r * hp[2]).tanh()
        return n + z * (h - n)
    }
}
