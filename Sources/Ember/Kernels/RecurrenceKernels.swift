import CVectorMath

/// One direction of one recurrent layer over a whole padded sequence in float32, given the
/// input's projection for every step (`xProj = x W_ihᵀ + b_ih`, `[steps, batch, gates·hidden]`,
/// one matrix product made by the caller), or for a one-hot input the tokens, whose projections
/// are rows of `W_ihᵀ + b_ih` read as the steps run (`Projection`). Backward runs the steps in
/// reverse and takes the weight gradient over all steps in one product afterwards, the scheme of
/// cuDNN's and oneDNN's RNN primitives.
///
/// The batch's rows are split into one part per kernel thread, sized by how fast each thread ran
/// the last calls (`balancedParallelFor`), and each thread runs every step of its rows on its own:
/// one parallel region for the whole sequence, no barrier between steps. A step is a product with
/// `W_hh` (`h W_hhᵀ` forward, `dgates W_hh` backward), on `W_hh` packed once per call
/// (`ember_packed_gemm`), then the rows' element-wise gate math. Measured on `ember bench lstm`
/// (2 threads, AVX2): splitting the hidden units instead, with a `dnnl_sgemm` per part and step
/// (which packs `W_hh` at every call), ran the products at 60 GFLOP/s per core and spent a tenth
/// of the time in OpenMP's barrier at the end of each step.
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
    /// Whether the initial state is zero (no state given): the first step's product with `W_hh`
    /// and its share of the weight gradient are zero, and are skipped.
    let zeroInitialState: Bool

    /// Gates per hidden unit.
    var gates: Int { switch cell { case .lstm: 4; case .gru: 3; case .tanh, .relu: 1 } }
    /// The rows of `y` (and an LSTM's cell states) that step `t` reads and writes.
    func previousRow(_ t: Int) -> Int { reverse ? t + 1 : t }
    func outputRow(_ t: Int) -> Int { reverse ? t : t + 1 }
    /// The row of `y` the initial state goes in.
    var initialRow: Int { reverse ? steps : 0 }
    /// The step that reads the initial state.
    private var firstStep: Int { reverse ? steps - 1 : 0 }
    /// The rows of `y`: the states, and an LSTM's last cell state.
    var rows: Int { steps + (cell == .lstm ? 2 : 1) }
    /// Floats per step of what forward keeps for backward (`saved`): the activated gates, then an
    /// LSTM's `tanh(c_t)` or a GRU's `h W_hnᵀ + b_hn`.
    var savedPerStep: Int { batch * hidden * (cell == .lstm ? 5 : cell == .gru ? 4 : 0) }

    /// Where the steps read the input's projection `x W_ihᵀ + b_ih` from.
    enum Projection {
        /// `[steps, batch, gates·hidden]`, made by the caller.
        case rows(UnsafePointer<Float>)
        /// A one-hot input: step `t`'s row `b` is row `tokens[t · batch + b]` of `table`
        /// (`W_ihᵀ + b_ih`, `[classes, gates·hidden]`), which stays in cache where the rows of a
        /// whole sequence's projection (4.4 MiB in the LSTM benchmark) came from memory.
        case picked(table: UnsafePointer<Float>, tokens: UnsafePointer<Int>)
    }

    /// Step `t`'s projection for batch row `b`.
    @inline(__always)
    private func projection(_ p: Projection, _ t: Int, _ b: Int) -> UnsafePointer<Float> {
        switch p {
        case .rows(let x): x + (t * batch + b) * gates * hidden
        case .picked(let table, let tokens): table + tokens[t * batch + b] * gates * hidden
        }
    }

    /// Runs `body` on each kernel thread's rows of the batch, with the part's workspace for
    /// `ember_packed_gemm`. The rows are split by the threads' measured speeds
    /// (`balancedParallelFor`); no result depends on the split.
    private func eachPart(_ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let parts = Threads.count, work = Int(EMBER_PACKED_GEMM_WORKSPACE)
        let workspace = UnsafeMutablePointer<Float>.allocate(capacity: parts * work)
        defer { workspace.deallocate() }
        balancedParallelFor(batch, parts: parts) { part, rows in body(rows, workspace + part * work) }
    }

    /// `n` rounded up to whole panels of the packed products.
    private func padded(_ n: Int) -> Int { (n + Int(EMBER_PANEL) - 1) / Int(EMBER_PANEL) * Int(EMBER_PANEL) }

    /// `W_hh` (`[gates·hidden, hidden]`) packed for `ember_packed_gemm`: as `W_hhᵀ` (`transposed`,
    /// forward's `h W_hhᵀ`) or as itself (backward's `dgates W_hh`).
    private func packed(_ w: UnsafePointer<Float>, transposed: Bool) -> UnsafeMutablePointer<Float> {
        let g = gates * hidden, (k, n) = transposed ? (hidden, g) : (g, hidden)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: k * padded(n))
        RecurrenceKernels.pack(k, n, w, rowStride: transposed ? 1 : hidden, columnStride: transposed ? hidden : 1, into: out)
        return out
    }

    /// `ember_pack_panels` with the panels split across the kernel threads.
    private static func pack(_ k: Int, _ n: Int, _ b: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
                             into out: UnsafeMutablePointer<Float>) {
        let panel = Int(EMBER_PANEL), panels = (n + panel - 1) / panel
        parallelFor(panels, costPerItem: k * panel) { range in
            let first = range.lowerBound * panel
            ember_pack_panels(k, Swift.min(n, range.upperBound * panel) - first, b + first * columnStride, rowStride, columnStride,
                              out + first * k)
        }
    }

    /// Runs the steps: `y` holds the initial state in `initialRow`, `cells` (an LSTM's,
    /// `[steps + 1, batch, hidden]` in `y`'s row order) the initial cell state there; both get every
    /// step's states, and `saved` (`steps · savedPerStep` floats) what backward reads. `bHh` is the
    /// hidden bias (zeros when the layer has none).
    func forward(_ input: Projection, wHh: UnsafePointer<Float>, bHh: UnsafePointer<Float>,
                 y: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>?, saved: UnsafeMutablePointer<Float>?) {
        let g = gates * hidden, state = batch * hidden, width = padded(g)
        let w = packed(wHh, transposed: true), hh = UnsafeMutablePointer<Float>.allocate(capacity: batch * width)
        defer { w.deallocate(); hh.deallocate() }
        eachPart { rows, work in
            for t in order {
                let previous = y + previousRow(t) * state, next = y + outputRow(t) * state
                let keep = saved.map { $0 + t * savedPerStep }
                // The rows' `h W_hhᵀ`, `[rows, gates·hidden]` (row stride `width`), gate after gate.
                if zeroInitialState && t == firstStep {
                    (hh + rows.lowerBound * width).update(repeating: 0, count: rows.count * width)
                } else {
                    ember_packed_gemm(rows.count, width / Int(EMBER_PANEL), hidden, previous + rows.lowerBound * hidden, hidden, 1, w,
                                      hh + rows.lowerBound * width, width, work)
                }
                for b in rows {
                    let o = b * hidden, xb = projection(input, t, b), hb = hh + b * width
                    switch cell {
                    case .tanh, .relu:
                        Lanes.each(hidden) { j, n in
                            let pre = Lanes.load(xb + j, n) + Lanes.load(hb + j, n) + Lanes.load(bHh + j, n)
                            Lanes.store(cell == .tanh ? VectorMath.tanh(pre) : pre.replacing(with: 0, where: pre .< 0), next + o + j, n)
                        }
                    case .lstm:
                        lstmStep(xb, hb, bHh, cells! + previousRow(t) * state + o, cells! + outputRow(t) * state + o,
                                 keep! + b * g, keep! + state * 4 + o, next + o)
                    case .gru:
                        gruStep(xb, hb, bHh, previous + o, keep! + b * g, keep! + state * 3 + o, next + o)
                    }
                }
            }
        }
    }

    /// The steps in the order they run.
    private var order: [Int] { reverse ? Array((0..<steps).reversed()) : Array(0..<steps) }

    /// One batch row of an LSTM step (its gates `hidden` apart in every buffer): gates `a`
    /// activated, cell state `c1` from `c0`, `tanh(c1)`, and `h`. In passes over the row (a gate at
    /// a time, then the cell), each vector's work independent of the last, so that the core
    /// overlaps them: one pass doing all five functions per vector waited on their chains of
    /// `exp` and division (`perf`, `ember bench lstm`: 7.5% of the samples before, 6.0–6.3% after,
    /// against 67–71% in the products).
    private func lstmStep(_ x: UnsafePointer<Float>, _ hh: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                          _ c0: UnsafePointer<Float>, _ c1: UnsafeMutablePointer<Float>, _ a: UnsafeMutablePointer<Float>,
                          _ tc: UnsafeMutablePointer<Float>, _ h: UnsafeMutablePointer<Float>) {
        let gs = hidden
        for k in 0..<4 {
            let o = k * gs
            Lanes.each(hidden) { j, n in
                let pre = Lanes.load(x + o + j, n) + Lanes.load(hh + o + j, n) + Lanes.load(bias + o + j, n)
                Lanes.store(k == 2 ? VectorMath.tanh(pre) : VectorMath.sigmoid(pre), a + o + j, n)
            }
        }
        Lanes.each(hidden) { j, n in
            let i = Lanes.load(a + j, n), f = Lanes.load(a + gs + j, n), gg = Lanes.load(a + 2 * gs + j, n)
            let c = f * Lanes.load(c0 + j, n) + i * gg, tanhC = VectorMath.tanh(c)
            Lanes.store(c, c1 + j, n); Lanes.store(tanhC, tc + j, n); Lanes.store(Lanes.load(a + 3 * gs + j, n) * tanhC, h + j, n)
        }
    }

    /// One batch row of a GRU step (its gates `hidden` apart in every buffer): gates `a` = `(r, z, n)`
    /// activated, `hn = h W_hnᵀ + b_hn`, and `h'`.
    private func gruStep(_ x: UnsafePointer<Float>, _ hh: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                         _ h0: UnsafePointer<Float>, _ a: UnsafeMutablePointer<Float>, _ hn: UnsafeMutablePointer<Float>,
                         _ h1: UnsafeMutablePointer<Float>) {
        let gs = hidden
        Lanes.each(hidden) { j, n in
            func input(_ k: Int) -> SIMD8<Float> { Lanes.load(x + k * gs + j, n) }
            func hidden(_ k: Int) -> SIMD8<Float> { Lanes.load(hh + k * gs + j, n) + Lanes.load(bias + k * gs + j, n) }
            let r = VectorMath.sigmoid(input(0) + hidden(0)), z = VectorMath.sigmoid(input(1) + hidden(1))
            let hiddenN = hidden(2), newGate = VectorMath.tanh(input(2) + r * hiddenN)
            Lanes.store(r, a + j, n); Lanes.store(z, a + gs + j, n); Lanes.store(newGate, a + 2 * gs + j, n)
            Lanes.store(hiddenN, hn + j, n)
            Lanes.store(newGate + z * (Lanes.load(h0 + j, n) - newGate), h1 + j, n)
        }
    }

    /// Where `backward` writes the gradients of `Projection.picked`'s `W_ih` and `b_ih`, which it
    /// makes from the projection's gradient (`db_ih` from the per-row sums, `dW_ih` in one pass
    /// over it) in place of the caller's scatter and column sums.
    struct PickedGradients {
        let tokens: UnsafePointer<Int>, classes: Int
        /// `dW_ihᵀ`, `[classes, gates·hidden]`, and `db_ih`.
        let dwIhT: UnsafeMutablePointer<Float>, dbIh: UnsafeMutablePointer<Float>
    }

    /// Gradients from `gy`, the gradient of `y` (`rows` rows; its initial-state row is ignored),
    /// with the states and `saved` of `forward`: `dxProj` (`[steps, batch, gates·hidden]`), `dh0`
    /// (when wanted) and an LSTM's `dc0` (`[batch, hidden]`), `dwHh` (`[gates·hidden, hidden]`),
    /// `dbHh`, and for a one-hot input `picked`'s. The bias gradients are summed over the steps
    /// per batch row as they are made, rather than in passes over `dxProj`.
    func backward(gy: UnsafePointer<Float>, wHh: UnsafePointer<Float>, y: UnsafePointer<Float>,
                  cells: UnsafePointer<Float>?, saved: UnsafePointer<Float>?,
                  dxProj: UnsafeMutablePointer<Float>, dh0: UnsafeMutablePointer<Float>?, dc0: UnsafeMutablePointer<Float>?,
                  dwHh: UnsafeMutablePointer<Float>, dbHh: UnsafeMutablePointer<Float>, picked: PickedGradients?) {
        let g = gates * hidden, state = batch * hidden, width = padded(hidden)
        // Each batch row's sums over the steps: `Σ dxProj` (`db_ih`, and `db_hh` but for a GRU),
        // then a GRU's `Σ dHidden`. Per row, so that the totals do not depend on how the rows
        // were split across the threads.
        let rowSize = cell == .gru ? 2 * g : g
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: batch * rowSize)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: batch * rowSize)
        // The gradient of the hidden projection `h W_hhᵀ + b_hh` per step: a GRU's differs from
        // its input projection's in the new gate (`r ⊙ dn`); the others' is the same.
        let dHidden = cell == .gru ? UnsafeMutablePointer<Float>.allocate(capacity: steps * batch * g) : dxProj
        defer { if cell == .gru { dHidden.deallocate() } }
        let w = packed(wHh, transposed: false)
        // The state's gradient through `W_hh` from the step after (`dgates W_hh`, row stride
        // `width`), and the state's gradient at the step being run (a GRU's keeps its direct share
        // `z ⊙ dh` for the step before, added to the next one's).
        let through = UnsafeMutablePointer<Float>.allocate(capacity: batch * width)
        let dState = UnsafeMutablePointer<Float>.allocate(capacity: state)
        defer { w.deallocate(); through.deallocate(); dState.deallocate() }
        through.initialize(repeating: 0, count: batch * width)
        dState.initialize(repeating: 0, count: state)
        if let dc0 { dc0.update(from: gy + (steps + 1) * state, count: state) }
        eachPart { rows, work in
            for t in order.reversed() {
                let gOut = gy + outputRow(t) * state, keep = saved.map { $0 + t * savedPerStep }
                let dx = dxProj + t * batch * g, dh = dHidden + t * batch * g
                for b in rows {
                    let o = b * hidden, gb = b * g, d = dState + o, carried = through + b * width
                    Lanes.each(hidden) { j, n in
                        var v = Lanes.load(gOut + o + j, n) + Lanes.load(carried + j, n)
                        if cell == .gru { v += Lanes.load(d + j, n) }
                        Lanes.store(v, d + j, n)
                    }
                    switch cell {
                    case .tanh, .relu:
                        let h = y + outputRow(t) * state + o
                        Lanes.each(hidden) { j, n in
                            let dv = Lanes.load(d + j, n), hv = Lanes.load(h + j, n)
                            Lanes.store(cell == .tanh ? dv * (1 - hv * hv) : dv.replacing(with: 0, where: hv .<= 0), dx + gb + j, n)
                        }
                    case .lstm:
                        lstmBackStep(d, dc0! + o, cells! + previousRow(t) * state + o, keep! + gb, keep! + state * 4 + o, dx + gb)
                    case .gru:
                        gruBackStep(d, y + previousRow(t) * state + o, keep! + gb, keep! + state * 3 + o, dx + gb, dh + gb)
                    }
                    RecurrenceKernels.add(dx + gb, g, into: sums + b * rowSize)
                    if cell == .gru { RecurrenceKernels.add(dh + gb, g, into: sums + b * rowSize + g) }
                }
                if t != firstStep || dh0 != nil {
                    ember_packed_gemm(rows.count, width / Int(EMBER_PANEL), g, dh + rows.lowerBound * g, g, 1, w,
                                      through + rows.lowerBound * width, width, work)
                }
            }
        }
        if let dh0 {
            for b in 0..<batch {
                for j in 0..<hidden { dh0[b * hidden + j] = through[b * width + j] + (cell == .gru ? dState[b * hidden + j] : 0) }
            }
        }
        func total(_ offset: Int, into out: UnsafeMutablePointer<Float>) {
            out.update(from: sums + offset, count: g)
            for b in 1..<batch { RecurrenceKernels.add(sums + b * rowSize + offset, g, into: out) }
        }
        total(cell == .gru ? g : 0, into: dbHh)
        if let picked {
            total(0, into: picked.dbIh)
            tableGradient(dxProj, picked)
        }
        // The states read are contiguous in `y`; without an initial state the step that reads it
        // (the first block of either, the last in reverse) adds nothing.
        let skipped = zeroInitialState ? batch : 0
        weightGradient(dHidden + (reverse ? 0 : skipped * g), y + (reverse ? state : skipped * hidden),
                       samples: steps * batch - skipped, into: dwHh)
    }

    /// A one-hot input's `dW_ihᵀ`: row `c` is the sum of `dxProj`'s rows whose token is `c`, the
    /// columns split across the kernel threads in whole cache lines (each thread's slice of the
    /// table stays in cache), the steps taken in the reverse of the order backward wrote them.
    private func tableGradient(_ dxProj: UnsafePointer<Float>, _ picked: PickedGradients) {
        let g = gates * hidden, order = order
        parallelFor(g / 16, costPerItem: 16 * steps * batch) { blocks in
            let columns = blocks.lowerBound * 16..<(blocks.upperBound == g / 16 ? g : blocks.upperBound * 16)
            for c in 0..<picked.classes { (picked.dwIhT + c * g + columns.lowerBound).update(repeating: 0, count: columns.count) }
            for t in order {
                for s in t * batch..<(t + 1) * batch {
                    RecurrenceKernels.add(dxProj + s * g + columns.lowerBound, columns.count,
                                          into: picked.dwIhT + picked.tokens[s] * g + columns.lowerBound)
                }
            }
        }
    }

    /// `out[0..<n] += x[0..<n]`.
    private static func add(_ x: UnsafePointer<Float>, _ n: Int, into out: UnsafeMutablePointer<Float>) {
        Lanes.each(n) { j, k in Lanes.store(Lanes.load(out + j, k) + Lanes.load(x + j, k), out + j, k) }
    }

    /// `dW_hh = Σ dHiddenᵀ h` over `samples` rows of both at once: the states packed as the right
    /// operand, the gradient's transpose read as the left, `W_hh`'s rows taken by the kernel
    /// threads 48 at a time as each comes free. oneDNN's matmul (transposed left operand) took this
    /// product at 65 GFLOP/s on the AVX2 VM, the packed kernel at 130–170.
    private func weightGradient(_ dHidden: UnsafePointer<Float>, _ states: UnsafePointer<Float>, samples: Int,
                                into dw: UnsafeMutablePointer<Float>) {
        let g = gates * hidden, width = padded(hidden)
        guard samples > 0 else { return dw.update(repeating: 0, count: g * hidden) }
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: samples * width)
        let out = width == hidden ? dw : UnsafeMutablePointer<Float>.allocate(capacity: g * width)
        defer {
            packed.deallocate()
            if out != dw { out.deallocate() }
        }
        RecurrenceKernels.pack(samples, hidden, states, rowStride: hidden, columnStride: 1, into: packed)
        let threads = Threads.count, work = Int(EMBER_PACKED_GEMM_WORKSPACE)
        let workspace = UnsafeMutablePointer<Float>.allocate(capacity: threads * work)
        defer { workspace.deallocate() }
        dynamicParallelFor(g, chunk: 48, threads: threads) { thread, rows in
            ember_packed_gemm(rows.count, width / Int(EMBER_PANEL), samples, dHidden + rows.lowerBound, 1, g, packed,
                              out + rows.lowerBound * width, width, workspace + thread * work)
        }
        if out != dw {
            for r in 0..<g { (dw + r * hidden).update(from: out + r * width, count: hidden) }
        }
    }

    /// One batch row of an LSTM step backward (its gates `hidden` apart), from the state's gradient
    /// `dh`: `dc` holds the next step's cell-state gradient and gets this step's; `dx` the gates'
    /// pre-activation gradients.
    private func lstmBackStep(_ dh: UnsafePointer<Float>, _ dc: UnsafeMutablePointer<Float>,
                              _ c0: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ tc: UnsafePointer<Float>,
                              _ dx: UnsafeMutablePointer<Float>) {
        let gs = hidden
        Lanes.each(hidden) { j, n in
            let d = Lanes.load(dh + j, n)
            let i = Lanes.load(a + j, n), f = Lanes.load(a + gs + j, n), gg = Lanes.load(a + 2 * gs + j, n), o = Lanes.load(a + 3 * gs + j, n)
            let tanhC = Lanes.load(tc + j, n)
            let dcTotal = Lanes.load(dc + j, n) + d * o * (1 - tanhC * tanhC)
            func store(_ v: SIMD8<Float>, _ k: Int) { Lanes.store(v, dx + k * gs + j, n) }
            store(dcTotal * gg * i * (1 - i), 0)
            store(dcTotal * Lanes.load(c0 + j, n) * f * (1 - f), 1)
            store(dcTotal * i * (1 - gg * gg), 2)
            store(d * tanhC * o * (1 - o), 3)
            Lanes.store(dcTotal * f, dc + j, n)
        }
    }

    /// One batch row of a GRU step backward (its gates `hidden` apart), from the state's gradient
    /// `dh` (which then gets this step's direct share `z ⊙ dh`): `dx` the input projection's
    /// gradients, `dHidden` the hidden projection's.
    private func gruBackStep(_ dh: UnsafeMutablePointer<Float>, _ h0: UnsafePointer<Float>,
                             _ a: UnsafePointer<Float>, _ hn: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                             _ dHidden: UnsafeMutablePointer<Float>) {
        let gs = hidden
        Lanes.each(hidden) { j, n in
            let d = Lanes.load(dh + j, n)
            let r = Lanes.load(a + j, n), z = Lanes.load(a + gs + j, n), newGate = Lanes.load(a + 2 * gs + j, n)
            let dn = d * (1 - z) * (1 - newGate * newGate)
            let dr = dn * Lanes.load(hn + j, n) * r * (1 - r)
            let dz = d * (Lanes.load(h0 + j, n) - newGate) * z * (1 - z)
            Lanes.store(dr, dx + j, n); Lanes.store(dz, dx + gs + j, n); Lanes.store(dn, dx + 2 * gs + j, n)
            func store(_ v: SIMD8<Float>, _ k: Int) { Lanes.store(v, dHidden + k * gs + j, n) }
            store(dr, 0); store(dz, 1); store(dn * r, 2)
            Lanes.store(d * z, dh + j, n)
        }
    }
}

/// Eight-float vectors along a row whose length need not be a multiple of eight: the tail is read
/// into and written from a partly filled vector, so every element goes through the same code.
private enum Lanes {
    /// Calls `body(j, n)` for each vector of the row: its first index and how many of its lanes are
    /// in the row. The whole vectors and the tail are separate calls, so that the whole vectors'
    /// copy of `body` has `n` = 8 as a constant (before, every load and store of it kept the tail's
    /// lane-by-lane path beside the vector one).
    @inline(__always)
    static func each(_ count: Int, _ body: (Int, Int) -> Void) {
        var j = 0
        while j + 8 <= count {
            body(j, 8)
            j += 8
        }
        if j < count { body(j, count - j) }
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
