/// One direction of one recurrent layer over a padded float32 sequence on `RecurrenceKernels`,
/// from the input (`Input`) and the states `h0`, `c0` `(N, hidden)`: the steps' states
/// `(L, N, hidden)`, the last state and an LSTM's last cell state, all views of one tensor that is
/// one graph node (`RnnLayerBackward0`, PyTorch's `MkldnnRnnLayerBackward0`). For a graph of the
/// gradient (double backward) the node differentiates `composed`, the same layer in Ember's
/// differentiable ops, recomputed from the same inputs.
struct FusedRecurrence {
    /// What the gates get from the layer's input.
    enum Input {
        /// The input's projection `x W_ihᵀ + b_ih`, `(L, N, G·hidden)`.
        case projected(Tensor)
        /// int64 `tokens` `(L, N)` one-hot over `weight`'s columns (`W_ih`, `(G·hidden, classes)`,
        /// finite) with `bias` (`b_ih`): the projection `F.oneHotLinear(tokens, weight, bias)`,
        /// read by the kernels a row at a time, and `W_ih`'s and `b_ih`'s gradients made by them.
        case oneHot(tokens: Tensor, weight: Tensor, bias: Tensor?)
    }

    let cell: RecurrenceKernels.Cell
    let input: Input
    let h0: Tensor, c0: Tensor?, wHh: Tensor, bHh: Tensor?
    let reverse: Bool

    /// Whether the kernels take a layer: float32 without projection (packed sequences, float64 and
    /// projections run the composed steps).
    static func runs(_ dtype: DType, projected: Bool) -> Bool { dtype == .float32 && !projected }

    func run(composed: @escaping () -> (Tensor, Tensor, Tensor?)) -> (Tensor, Tensor, Tensor?) {
        let (steps, batch, hidden) = (inputShape[0], inputShape[1], wHh.shape[1]), state = batch * hidden
        check(([h0, wHh] + (c0.map { [$0] } ?? []) + (bHh.map { [$0] } ?? [])).allSatisfy { $0.dtype == .float32 },
              "the recurrence kernels take float32 states and weights")
        let initial = h0.contiguousRaw()
        let zeroInitialState = withExtendedLifetime(initial) {
            let p = initial.pointer(as: Float.self)
            return (0..<state).allSatisfy { p[$0] == 0 }
        }
        let k = RecurrenceKernels(cell: cell, steps: steps, batch: batch, hidden: hidden, reverse: reverse,
                                  zeroInitialState: zeroInitialState)
        let w = wHh.contiguousRaw(), projection = KernelInput(input, gates: k.gates * hidden)
        let b = bHh?.contiguousRaw() ?? Tensor(uninitializedShape: [k.gates * hidden], dtype: .float32)
        if bHh == nil { b.fillRaw(0) }
        let y = Tensor(uninitializedShape: [k.rows, batch, hidden], dtype: .float32)
        (y.pointer(as: Float.self) + k.initialRow * state).update(from: initial.pointer(as: Float.self), count: state)
        let cells = c0.map { c0 in
            let cells = Tensor(uninitializedShape: [steps + 1, batch, hidden], dtype: .float32)
            (cells.pointer(as: Float.self) + k.initialRow * state).update(from: c0.contiguousRaw().pointer(as: Float.self), count: state)
            return cells
        }
        let saved = k.savedPerStep > 0 ? Tensor(uninitializedShape: [steps * k.savedPerStep], dtype: .float32) : nil
        projection.withPointers { x in
            k.forward(x, wHh: w.pointer(as: Float.self), bHh: b.pointer(as: Float.self),
                      y: y.pointer(as: Float.self), cells: cells?.pointer(as: Float.self), saved: saved?.pointer(as: Float.self))
        }
        let last = k.outputRow(reverse ? 0 : steps - 1)
        if let cells {
            (y.pointer(as: Float.self) + (steps + 1) * state).update(from: cells.pointer(as: Float.self) + last * state, count: state)
        }

        let inputs = projection.inputs + [h0] + (c0.map { [$0] } ?? []) + [wHh] + (bHh.map { [$0] } ?? [])
        y.recording("RnnLayerBackward0", inputs, saved: inputs, savesOutput: true) { g, out in
            if isGradEnabled { return differentiated(composed, g, inputs) }
            let gy = g.converted(.float32).contiguousRaw()
            let dxProj = Tensor(uninitializedShape: [steps, batch, k.gates * hidden], dtype: .float32)
            let dh0 = h0.requiresGrad ? Tensor(uninitializedShape: [batch, hidden], dtype: .float32) : nil
            let dc0 = cells.map { _ in Tensor(uninitializedShape: [batch, hidden], dtype: .float32) }
            let dw = Tensor(uninitializedShape: w.shape, dtype: .float32), db = Tensor(uninitializedShape: b.shape, dtype: .float32)
            let inputGradients = projection.gradients { picked in
                k.backward(gy: gy.pointer(as: Float.self), wHh: w.pointer(as: Float.self), y: out.pointer(as: Float.self),
                           cells: cells?.pointer(as: Float.self), saved: saved?.pointer(as: Float.self),
                           dxProj: dxProj.pointer(as: Float.self), dh0: dh0?.pointer(as: Float.self), dc0: dc0?.pointer(as: Float.self),
                           dwHh: dw.pointer(as: Float.self), dbHh: db.pointer(as: Float.self), picked: picked)
                return dxProj
            }
            return inputGradients + [dh0] + (dc0.map { [$0] } ?? []) + [dw] + (bHh == nil ? [] : [db]) as [Tensor?]
        }
        let output = y.narrow(0, reverse ? 0 : 1, steps)
        return (output, y.select(0, last), cells == nil ? nil : y.select(0, steps + 1))
    }

    /// `(L, N)` of the input.
    private var inputShape: [Int] {
        switch input {
        case .projected(let xProj): Array(xProj.shape.prefix(2))
        case .oneHot(let tokens, _, _): tokens.shape
        }
    }

    /// The inputs' gradients through the composed layer, as a graph (double backward): `g` is the
    /// gradient of the fused node's output, whose initial-state row no view reads.
    private func differentiated(_ composed: () -> (Tensor, Tensor, Tensor?), _ g: Tensor, _ inputs: [Tensor]) -> [Tensor?] {
        let (output, _, cN) = composed()
        let initial = h0.detach().unsqueeze(0)
        let y = Tensor.cat((reverse ? [output, initial] : [initial, output]) + (cN.map { [$0.unsqueeze(0)] } ?? []), dim: 0)
        let wanted = inputs.filter(\.requiresGrad)
        var grads = autograd.grad(outputs: [y], inputs: wanted, gradOutputs: [g], createGraph: true, allowUnused: true)
            .makeIterator()
        return inputs.map { $0.requiresGrad ? grads.next()! : nil }
    }
}

/// `FusedRecurrence.Input` as the kernels read it, with the tensors behind the pointers.
private struct KernelInput {
    let input: FusedRecurrence.Input
    /// `xProj`, contiguous; or a one-hot input's tokens and `W_ihᵀ + b_ih` `(classes, G·hidden)`.
    let rows: Tensor?, tokens: [Int], table: Tensor?

    init(_ input: FusedRecurrence.Input, gates g: Int) {
        self.input = input
        switch input {
        case .projected(let xProj):
            (rows, tokens, table) = (xProj.contiguousRaw(), [], nil)
        case .oneHot(let tokensTensor, let weight, let bias):
            let classes = weight.shape[1]
            tokens = F.oneHotPicks(tokensTensor, classes: classes)
            let w = weight.contiguousRaw(), b = bias?.contiguousRaw(), t = Tensor(uninitializedShape: [classes, g], dtype: .float32)
            withExtendedLifetime((w, b)) {
                let pw = w.pointer(as: Float.self), pt = t.pointer(as: Float.self)
                for c in 0..<classes {
                    let row = pt + c * g
                    if let b { row.update(from: b.pointer(as: Float.self), count: g) } else { row.update(repeating: 0, count: g) }
                    for j in 0..<g { row[j] += pw[j * classes + c] }
                }
            }
            (rows, table) = (nil, t)
        }
    }

    /// The graph inputs the projection stands for: `xProj`, or `W_ih` (and `b_ih`).
    var inputs: [Tensor] {
        switch input {
        case .projected(let xProj): [xProj]
        case .oneHot(_, let weight, let bias): [weight] + (bias.map { [$0] } ?? [])
        }
    }

    /// Calls `body` with the kernels' view of the projection.
    func withPointers<R>(_ body: (RecurrenceKernels.Projection) -> R) -> R {
        guard let table else { return body(.rows(rows!.pointer(as: Float.self))) }
        return tokens.withUnsafeBufferPointer { body(.picked(table: table.pointer(as: Float.self), tokens: $0.baseAddress!)) }
    }

    /// The gradients of `inputs`, from `backward`, which runs the kernels' backward with where to
    /// put a one-hot input's `W_ih` and `b_ih` gradients (nil for a projection) and returns the
    /// projection's gradient.
    func gradients(_ backward: (RecurrenceKernels.PickedGradients?) -> Tensor) -> [Tensor?] {
        guard case .oneHot(_, let weight, let bias) = input else { return [backward(nil)] }
        let (rows, classes) = (weight.shape[0], weight.shape[1])
        let dwT = Tensor(uninitializedShape: [classes, rows], dtype: .float32), db = Tensor(uninitializedShape: [rows], dtype: .float32)
        tokens.withUnsafeBufferPointer { tokens in
            _ = backward(RecurrenceKernels.PickedGradients(tokens: tokens.baseAddress!, classes: classes,
                                                           dwIhT: dwT.pointer(as: Float.self), dbIh: db.pointer(as: Float.self)))
        }
        return [dwT.t().contiguousRaw()] + (bias == nil ? [] : [db])
    }
}
