/// One direction of one recurrent layer over a padded float32 sequence on `RecurrenceKernels`,
/// from the input's projection `xProj` `(L, N, G·hidden)` and the states `h0`, `c0` `(N, hidden)`:
/// the steps' states `(L, N, hidden)`, the last state and an LSTM's last cell state, all views of
/// one tensor that is one graph node (`RnnLayerBackward0`, PyTorch's `MkldnnRnnLayerBackward0`).
/// For a graph of the gradient (double backward) the node differentiates `composed`, the same
/// layer in Ember's differentiable ops, recomputed from the same inputs.
struct FusedRecurrence {
    let cell: RecurrenceKernels.Cell
    let xProj: Tensor, h0: Tensor, c0: Tensor?, wHh: Tensor, bHh: Tensor?
    let reverse: Bool

    /// Whether the kernels take a layer: float32 without projection (packed sequences, float64 and
    /// projections run the composed steps).
    static func runs(_ dtype: DType, projected: Bool) -> Bool { dtype == .float32 && !projected }

    func run(composed: @escaping () -> (Tensor, Tensor, Tensor?)) -> (Tensor, Tensor, Tensor?) {
        let steps = xProj.shape[0], batch = xProj.shape[1], hidden = wHh.shape[1], state = batch * hidden
        check(([h0, wHh] + (c0.map { [$0] } ?? []) + (bHh.map { [$0] } ?? [])).allSatisfy { $0.dtype == .float32 },
              "the recurrence kernels take float32 states and weights")
        let initial = h0.contiguousRaw()
        let zeroInitialState = withExtendedLifetime(initial) {
            let p = initial.pointer(as: Float.self)
            return (0..<state).allSatisfy { p[$0] == 0 }
        }
        let k = RecurrenceKernels(cell: cell, steps: steps, batch: batch, hidden: hidden, reverse: reverse,
                                  zeroInitialState: zeroInitialState)
        let x = xProj.contiguousRaw(), w = wHh.contiguousRaw()
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
        k.forward(xProj: x.pointer(as: Float.self), wHh: w.pointer(as: Float.self), bHh: b.pointer(as: Float.self),
                  y: y.pointer(as: Float.self), cells: cells?.pointer(as: Float.self), saved: saved?.pointer(as: Float.self))
        let last = k.outputRow(reverse ? 0 : steps - 1)
        if let cells {
            (y.pointer(as: Float.self) + (steps + 1) * state).update(from: cells.pointer(as: Float.self) + last * state, count: state)
        }

        let inputs = [xProj, h0] + (c0.map { [$0] } ?? []) + [wHh] + (bHh.map { [$0] } ?? [])
        y.recording("RnnLayerBackward0", inputs, saved: inputs, savesOutput: true) { g, out in
            if isGradEnabled { return differentiated(composed, g, inputs) }
            let gy = g.converted(.float32).contiguousRaw()
            let dxProj = Tensor(uninitializedShape: x.shape, dtype: .float32)
            let dh0 = h0.requiresGrad ? Tensor(uninitializedShape: [batch, hidden], dtype: .float32) : nil
            let dc0 = cells.map { _ in Tensor(uninitializedShape: [batch, hidden], dtype: .float32) }
            let dw = Tensor(uninitializedShape: w.shape, dtype: .float32), db = Tensor(uninitializedShape: b.shape, dtype: .float32)
            k.backward(gy: gy.pointer(as: Float.self), wHh: w.pointer(as: Float.self), y: out.pointer(as: Float.self),
                       cells: cells?.pointer(as: Float.self), saved: saved?.pointer(as: Float.self),
                       dxProj: dxProj.pointer(as: Float.self), dh0: dh0?.pointer(as: Float.self), dc0: dc0?.pointer(as: Float.self),
                       dwHh: dw.pointer(as: Float.self), dbHh: db.pointer(as: Float.self))
            return [dxProj, dh0] + (dc0.map { [$0] } ?? []) + [dw] + (bHh == nil ? [] : [db]) as [Tensor?]
        }
        let output = y.narrow(0, reverse ? 0 : 1, steps)
        return (output, y.select(0, last), cells == nil ? nil : y.select(0, steps + 1))
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
