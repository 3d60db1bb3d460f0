import CDNNL

/// One direction of one recurrent layer over a whole padded sequence in float32, given the
/// input's projection for every step (`xProj = x W_ihᵀ + b_ih`, `[steps, batch, gates·hidden]`,
/// one matrix product made by the caller). Backward runs the steps in reverse and takes the
/// weight gradient over all steps in one product afterwards, the scheme of cuDNN's and oneDNN's
/// RNN primitives.
///
/// Within a step the hidden units are split into one part per kernel thread, each part with its
/// own rows of `W_hh` (all gates of its units, copied together once per call): a part's product
/// `h W_partᵀ` (forward) or `dgates_part W_part` (backward, a partial sum of the state's gradient)
/// is a single-threaded `dnnl_sgemm` followed by its units' element-wise gate math, so a step is
/// one parallel region. Measured on `ember bench lstm` (2 threads): oneDNN's matmul primitive per
/// step over both threads and then a separate element-wise pass spent a fifth of the time in
/// OpenMP's barriers.
///
/// The states live in `y`, `[steps + 1, batch, hidden]` rows (an LSTM's last cell state in one
/// more row): the row before the first step holds the initial state, which the caller writes, so
/// that the states every step reads are contiguous, `y[0..<steps]` going forward and
/// `y[1...steps]` going backward in time. Gate order and formulas are PyTorch's: LSTM `(i, f, g, o)`,
/// GRU `(r, z, n)` with the reset gate applied after the hidden projection.
struct RecurrenceKernels {
    /// The recurrence.
    enum Cell { case tanh, relu, lstm, gru }

    let cell: Cell
    let steps: Int, batch: Int, hidden: Int
    /// Whether the steps run from the last to the first.
    let reverse: Bool

    /// Gates per hidden unit.
    var gates: Int { switch cell { case .lstm: 4; case .gru: 3; case .tanh, .relu: 1 } }
    /// The rows of `y` (and an LSTM's cell states) that step `t` reads and writes.
    func previousRow(_ t: Int) -> Int { reverse ? t + 1 : t }
    func outputRow(_ t: Int) -> Int { reverse ? t : t + 1 }
    /// The row of `y` the initial state goes in.
    var initialRow: Int { reverse ? steps : 0 }
    /// The rows of `y`: the states, and an LSTM's last cell state.
    var rows: Int { steps + (cell == .lstm ? 2 : 1) }
    /// Floats per step of what forward keeps for backward (`saved`): the activated gates, then an
    /// LSTM's `tanh(c_t)` or a GRU's `h W_hnᵀ + b_hn`.
    var savedPerStep: Int { batch * hidden * (cell == .lstm ? 5 : cell == .gru ? 4 : 0) }

    /// The hidden units of each part: one part per kernel thread, in multiples of eight units.
    private var parts: [Range<Int>] {
        let vectors = (hidden + 7) / 8, count = Swift.max(1, Swift.min(Threads.count, vectors))
        return (0..<count).map { k in Swift.min(hidden, vectors * k / count * 8)..<Swift.min(hidden, vectors * (k + 1) / count * 8) }
    }

    /// `W_hh` `[gates·hidden, hidden]` with its rows grouped by part: part `units`' block starts at
    /// row `gates · units.lowerBound` and holds each gate's rows for those units, gate by gate.
    private func partitioned(_ w: UnsafePointer<Float>, _ parts: [Range<Int>]) -> UnsafeMutablePointer<Float> {
        let out = UnsafeMutablePointer<Float>.allocate(capacity: gates * hidden * hidden)
        for units in parts {
            for g in 0..<gates {
                (out + (gates * units.lowerBound + g * units.count) * hidden)
                    .update(from: w + (g * hidden + units.lowerBound) * hidden, count: units.count * hidden)
            }
        }
        return out
    }

    /// Runs `body` on each part of a step (its index and units), the parts in parallel (one
    /// region: the step's barrier).
    private func eachPart(_ parts: [Range<Int>], _ body: (Int, Range<Int>) -> Void) {
        parallelFor(parts.count, costPerItem: 1 << 20) { chunk in
            for k in chunk { body(k, parts[k]) }
        }
    }

    /// `c = a · bᵀ` (`transposedB`) or `a · b`, row-major, on the calling thread (oneDNN's sgemm runs
    /// single-threaded inside a parallel region).
    private func sgemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                       transposedB: Bool, _ c: UnsafeMutablePointer<Float>) {
        DNNL.expectSuccess(dnnl_sgemm(SgemmFlag.n, SgemmFlag.of(transposed: transposedB), Int64(m), Int64(n), Int64(k), 1, a, Int64(lda), b, Int64(ldb), 0, c, Int64(n)),
                           "sgemm")
    }

    /// Runs the steps: `y` holds the initial state in `initialRow`, `cells` (an LSTM's,
    /// `[steps + 1, batch, hidden]` in `y`'s row order) the initial cell state there; both get every
    /// step's states, and `saved` (`steps · savedPerStep` floats) what backward reads. `bHh` is the
    /// hidden bias (zeros when the layer has none).
    func forward(xProj: UnsafePointer<Float>, wHh: UnsafePointer<Float>, bHh: UnsafePointer<Float>,
                 y: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>?, saved: UnsafeMutablePointer<Float>?) {
        let g = gates * hidden, state = batch * hidden, parts = parts
        let w = partitioned(wHh, parts), hh = UnsafeMutablePointer<Float>.allocate(capacity: batch * g)
        defer { w.deallocate(); hh.deallocate() }
        for t in order {
            let previous = y + previousRow(t) * state, next = y + outputRow(t) * state
            let x = xProj + t * batch * g, keep = saved.map { $0 + t * savedPerStep }
            eachPart(parts) { _, units in
                // This part's `h W_partᵀ`: `[batch, gates · units]`, gate by gate within a row.
                let width = gates * units.count, local = hh + batch * gates * units.lowerBound
                sgemm(batch, width, hidden, previous, hidden, w + gates * units.lowerBound * hidden, hidden, transposedB: true, local)
                let gate = Strides(global: hidden, local: units.count)
                for b in 0..<batch {
                    let o = b * hidden + units.lowerBound, xb = x + b * g + units.lowerBound, hb = local + b * width
                    switch cell {
                    case .tanh, .relu:
                        Lanes.each(units.count) { j, n in
                            let pre = Lanes.load(xb + j, n) + Lanes.load(hb + j, n) + Lanes.load(bHh + units.lowerBound + j, n)
                            Lanes.store(cell == .tanh ? VectorMath.tanh(pre) : pre.replacing(with: 0, where: pre .< 0), next + o + j, n)
                        }
                    case .lstm:
                        lstmStep(units.count, gate, xb, hb, bHh + units.lowerBound, cells! + previousRow(t) * state + o,
                                 cells! + outputRow(t) * state + o, keep! + b * g + units.lowerBound, keep! + state * 4 + o, next + o)
                    case .gru:
                        gruStep(units.count, gate, xb, hb, bHh + units.lowerBound, previous + o, keep! + b * g + units.lowerBound,
                                keep! + state * 3 + o, next + o)
                    }
                }
            }
        }
    }

    /// The distance between gates in the buffers a step reads: `global` in the `gates·hidden`
    /// rows of `xProj`, the biases, the saved gates and the gradients; `local` in a part's product.
    private struct Strides {
        let global: Int, local: Int
    }

    /// The steps in the order they run.
    private var order: [Int] { reverse ? Array((0..<steps).reversed()) : Array(0..<steps) }

    /// `count` units of one batch row of an LSTM step: gates `a` activated, cell state `c1` from
    /// `c0`, `tanh(c1)`, and `h`.
    private func lstmStep(_ count: Int, _ s: Strides, _ x: UnsafePointer<Float>, _ hh: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                          _ c0: UnsafePointer<Float>, _ c1: UnsafeMutablePointer<Float>, _ a: UnsafeMutablePointer<Float>,
                          _ tc: UnsafeMutablePointer<Float>, _ h: UnsafeMutablePointer<Float>) {
        let gs = s.global, ls = s.local
        Lanes.each(count) { j, n in
            func pre(_ k: Int) -> SIMD8<Float> {
                Lanes.load(x + k * gs + j, n) + Lanes.load(hh + k * ls + j, n) + Lanes.load(bias + k * gs + j, n)
            }
            let i = VectorMath.sigmoid(pre(0)), f = VectorMath.sigmoid(pre(1)), gg = VectorMath.tanh(pre(2)), o = VectorMath.sigmoid(pre(3))
            let c = f * Lanes.load(c0 + j, n) + i * gg, tanhC = VectorMath.tanh(c)
            Lanes.store(i, a + j, n); Lanes.store(f, a + gs + j, n); Lanes.store(gg, a + 2 * gs + j, n); Lanes.store(o, a + 3 * gs + j, n)
            Lanes.store(c, c1 + j, n); Lanes.store(tanhC, tc + j, n); Lanes.store(o * tanhC, h + j, n)
        }
    }

    /// `count` units of one batch row of a GRU step: gates `a` = `(r, z, n)` activated,
    /// `hn = h W_hnᵀ + b_hn`, and `h'`.
    private func gruStep(_ count: Int, _ s: Strides, _ x: UnsafePointer<Float>, _ hh: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                         _ h0: UnsafePointer<Float>, _ a: UnsafeMutablePointer<Float>, _ hn: UnsafeMutablePointer<Float>,
                         _ h1: UnsafeMutablePointer<Float>) {
        let gs = s.global, ls = s.local
        Lanes.each(count) { j, n in
            func input(_ k: Int) -> SIMD8<Float> { Lanes.load(x + k * gs + j, n) }
            func hidden(_ k: Int) -> SIMD8<Float> { Lanes.load(hh + k * ls + j, n) + Lanes.load(bias + k * gs + j, n) }
            let r = VectorMath.sigmoid(input(0) + hidden(0)), z = VectorMath.sigmoid(input(1) + hidden(1))
            let hiddenN = hidden(2), newGate = VectorMath.tanh(input(2) + r * hiddenN)
            Lanes.store(r, a + j, n); Lanes.store(z, a + gs + j, n); Lanes.store(newGate, a + 2 * gs + j, n)
            Lanes.store(hiddenN, hn + j, n)
            Lanes.store(newGate + z * (Lanes.load(h0 + j, n) - newGate), h1 + j, n)
        }
    }

    /// Gradients from `gy`, the gradient of `y` (`rows` rows; its initial-state row is ignored),
    /// with the states and `saved` of `forward`: `dxProj` (`[steps, batch, gates·hidden]`), `dh0`
    /// and an LSTM's `dc0` (`[batch, hidden]`), `dwHh` (`[gates·hidden, hidden]`) and `dbHh`.
    func backward(gy: UnsafePointer<Float>, wHh: UnsafePointer<Float>, y: UnsafePointer<Float>,
                  cells: UnsafePointer<Float>?, saved: UnsafePointer<Float>?,
                  dxProj: UnsafeMutablePointer<Float>, dh0: UnsafeMutablePointer<Float>, dc0: UnsafeMutablePointer<Float>?,
                  dwHh: UnsafeMutablePointer<Float>, dbHh: UnsafeMutablePointer<Float>) {
        let g = gates * hidden, state = batch * hidden, parts = parts
        // The gradient of the hidden projection `h W_hhᵀ + b_hh` per step: a GRU's differs from
        // its input projection's in the new gate (`r ⊙ dn`); the others' is the same.
        let dHidden = cell == .gru ? UnsafeMutablePointer<Float>.allocate(capacity: steps * batch * g) : dxProj
        defer { if cell == .gru { dHidden.deallocate() } }
        let w = partitioned(wHh, parts), local = UnsafeMutablePointer<Float>.allocate(capacity: batch * g)
        // Each part's partial sum of the state's gradient through `W_hh`, `[parts, batch, hidden]`,
        // for the step before and the step being run; and the state's gradient at the step being run
        // (a GRU's keeps its direct share `z ⊙ dh` for the step before, added to the next one's).
        var partials = (UnsafeMutablePointer<Float>.allocate(capacity: parts.count * state),
                        UnsafeMutablePointer<Float>.allocate(capacity: parts.count * state))
        let dState = UnsafeMutablePointer<Float>.allocate(capacity: state)
        defer { w.deallocate(); local.deallocate(); partials.0.deallocate(); partials.1.deallocate(); dState.deallocate() }
        partials.0.initialize(repeating: 0, count: parts.count * state)
        dState.initialize(repeating: 0, count: state)
        if let dc0 { dc0.update(from: gy + (steps + 1) * state, count: state) }
        for t in order.reversed() {
            let gOut = gy + outputRow(t) * state, keep = saved.map { $0 + t * savedPerStep }
            let dx = dxProj + t * batch * g, dh = dHidden + t * batch * g, (before, now) = partials
            eachPart(parts) { part, units in
                let width = gates * units.count, mine = local + batch * gates * units.lowerBound
                let gate = Strides(global: hidden, local: units.count)
                for b in 0..<batch {
                    let o = b * hidden + units.lowerBound, gb = b * g + units.lowerBound
                    // The state's gradient: the output's, every part's share through `W_hh` and (GRU)
                    // the direct share left by the step after.
                    let d = dState + o
                    Lanes.each(units.count) { j, n in
                        var v = Lanes.load(gOut + o + j, n)
                        if cell == .gru { v += Lanes.load(d + j, n) }
                        for k in parts.indices { v += Lanes.load(before + k * state + o + j, n) }
                        Lanes.store(v, d + j, n)
                    }
                    switch cell {
                    case .tanh, .relu:
                        let h = y + outputRow(t) * state + o
                        Lanes.each(units.count) { j, n in
                            let dv = Lanes.load(d + j, n), hv = Lanes.load(h + j, n)
                            let pre = cell == .tanh ? dv * (1 - hv * hv) : dv.replacing(with: 0, where: hv .<= 0)
                            Lanes.store(pre, dx + gb + j, n); Lanes.store(pre, mine + b * width + j, n)
                        }
                    case .lstm:
                        lstmBackStep(units.count, gate, d, dc0! + o, cells! + previousRow(t) * state + o,
                                     keep! + gb, keep! + state * 4 + o, dx + gb, mine + b * width)
                    case .gru:
                        gruBackStep(units.count, gate, d, y + previousRow(t) * state + o,
                                    keep! + gb, keep! + state * 3 + o, dx + gb, dh + gb, mine + b * width)
                    }
                }
                sgemm(batch, hidden, width, mine, width, w + gates * units.lowerBound * hidden, hidden, transposedB: false,
                      now + part * state)
            }
            partials = (now, before)
        }
        for i in 0..<state {
            var sum = cell == .gru ? dState[i] : 0
            for k in parts.indices { sum += partials.0[k * state + i] }
            dh0[i] = sum
        }
        // dW_hh = Σ_t dHiddenₜᵀ hₜ₋₁ over all steps at once; the states read are contiguous in `y`.
        MatmulPlan.plan(.init(m: g, k: steps * batch, n: hidden, lda: g, ldb: hidden, transA: true, transB: false))
            .run(dHidden, y + (reverse ? state : 0), dwHh)
        columnSums(dHidden, rows: steps * batch, columns: g, into: dbHh)
    }

    /// `count` units of one batch row of an LSTM step backward, from the state's gradient `dh`:
    /// `dc` holds the next step's cell-state gradient and gets this step's; `dx` and `mine` (the
    /// part's own copy, for its product) the gates' pre-activation gradients.
    private func lstmBackStep(_ count: Int, _ s: Strides, _ dh: UnsafePointer<Float>, _ dc: UnsafeMutablePointer<Float>,
                              _ c0: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ tc: UnsafePointer<Float>,
                              _ dx: UnsafeMutablePointer<Float>, _ mine: UnsafeMutablePointer<Float>) {
        let gs = s.global, ls = s.local
        Lanes.each(count) { j, n in
            let d = Lanes.load(dh + j, n)
            let i = Lanes.load(a + j, n), f = Lanes.load(a + gs + j, n), gg = Lanes.load(a + 2 * gs + j, n), o = Lanes.load(a + 3 * gs + j, n)
            let tanhC = Lanes.load(tc + j, n)
            let dcTotal = Lanes.load(dc + j, n) + d * o * (1 - tanhC * tanhC)
            func store(_ v: SIMD8<Float>, _ k: Int) { Lanes.store(v, dx + k * gs + j, n); Lanes.store(v, mine + k * ls + j, n) }
            store(dcTotal * gg * i * (1 - i), 0)
            store(dcTotal * Lanes.load(c0 + j, n) * f * (1 - f), 1)
            store(dcTotal * i * (1 - gg * gg), 2)
            store(d * tanhC * o * (1 - o), 3)
            Lanes.store(dcTotal * f, dc + j, n)
        }
    }

    /// `count` units of one batch row of a GRU step backward, from the state's gradient `dh` (which
    /// then gets this step's direct share `z ⊙ dh`): `dx` the input projection's gradients, `dHidden`
    /// and `mine` (the part's own copy, for its product) the hidden projection's.
    private func gruBackStep(_ count: Int, _ s: Strides, _ dh: UnsafeMutablePointer<Float>, _ h0: UnsafePointer<Float>,
                             _ a: UnsafePointer<Float>, _ hn: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                             _ dHidden: UnsafeMutablePointer<Float>, _ mine: UnsafeMutablePointer<Float>) {
        let gs = s.global, ls = s.local
        Lanes.each(count) { j, n in
            let d = Lanes.load(dh + j, n)
            let r = Lanes.load(a + j, n), z = Lanes.load(a + gs + j, n), newGate = Lanes.load(a + 2 * gs + j, n)
            let dn = d * (1 - z) * (1 - newGate * newGate)
            let dr = dn * Lanes.load(hn + j, n) * r * (1 - r)
            let dz = d * (Lanes.load(h0 + j, n) - newGate) * z * (1 - z)
            Lanes.store(dr, dx + j, n); Lanes.store(dz, dx + gs + j, n); Lanes.store(dn, dx + 2 * gs + j, n)
            func store(_ v: SIMD8<Float>, _ k: Int) { Lanes.store(v, dHidden + k * gs + j, n); Lanes.store(v, mine + k * ls + j, n) }
            store(dr, 0); store(dz, 1); store(dn * r, 2)
            Lanes.store(d * z, dh + j, n)
        }
    }

    /// `out[c] = Σ_r m[r, c]` over a row-major `rows × columns` matrix, columns split across threads.
    private func columnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        let block = 64
        parallelFor((columns + block - 1) / block, costPerItem: rows * block) { blocks in
            for blk in blocks {
                let start = blk * block, end = Swift.min(start + block, columns)
                (out + start).update(repeating: 0, count: end - start)
                for r in 0..<rows {
                    let row = m + r * columns
                    for c in start..<end { out[c] += row[c] }
                }
            }
        }
    }
}

/// Eight-float vectors along a row whose length need not be a multiple of eight: the tail is read
/// into and written from a partly filled vector, so every element goes through the same code.
private enum Lanes {
    /// Calls `body(j, n)` for each vector of the row: its first index and how many of its lanes are in the row.
    @inline(__always)
    static func each(_ count: Int, _ body: (Int, Int) -> Void) {
        var j = 0
        while j < count {
            body(j, Swift.min(8, count - j))
            j += 8
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ n: Int) -> SIMD8<Float> {
        if n == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>()
        for k in 0..<n { v[k] = p[k] }
        return v
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self); return }
        for k in 0..<n { p[k] = v[k] }
    }
}
