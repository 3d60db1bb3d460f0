import CVectorMath

/// The input positions each output position of one pooling axis reads: `start[o]..<end[o]` by
/// `step`, already clipped to the input (a window lying wholly in the padding is empty).
struct PoolWindows {
    let start: [Int]
    let end: [Int]
    let step: Int
    /// The stride and padding of a sliding pooling without dilation (window `o` is
    /// `o·stride - padding ..< o·stride - padding + kernel`, clipped); nil otherwise.
    let undilated: (stride: Int, padding: Int)?

    /// Number of output positions.
    var count: Int { start.count }

    /// Windows of a strided, dilated pooling over an input implicitly padded by `padding`, as
    /// PyTorch's CPU kernels walk them: the first tap inside the input, then every `dilation`-th.
    init(input: Int, output: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) {
        var start = [Int](repeating: 0, count: output), end = start
        for o in 0..<output {
            var s = o * stride - padding
            end[o] = Swift.min(s + (kernel - 1) * dilation + 1, input)
            while s < 0 { s += dilation }
            start[o] = s
        }
        self.start = start
        self.end = end
        step = dilation
        undilated = dilation == 1 ? (stride, padding) : nil
    }

    /// Windows of adaptive pooling: `floor(o * input / output) ..< ceil((o + 1) * input / output)`.
    init(adaptiveInput input: Int, output: Int) {
        start = (0..<output).map { $0 * input / output }
        end = (0..<output).map { (($0 + 1) * input + output - 1) / output }
        step = 1
        undilated = nil
    }

    /// Number of taps of window `o`.
    func size(_ o: Int) -> Int { Swift.max(0, (end[o] - start[o] + step - 1) / step) }

    /// Whether window `o` is `2o..<2o + 2`: a kernel of 2 at stride 2 without padding.
    var isPairwise: Bool {
        step == 1 && (0..<count).allSatisfy { (o: Int) -> Bool in start[o] == 2 * o && end[o] == 2 * o + 2 }
    }
}

/// The geometry shared by the pooling kernels: `planes` contiguous `height × width` input planes
/// (N·C of an NCHW tensor), each pooled over `rows × cols` windows into one output plane.
struct PoolGeometry {
    let planes: Int, height: Int, width: Int
    let rows: PoolWindows, cols: PoolWindows

    var inPlane: Int { height * width }
    /// 2×2 windows at stride 2 inside the input (LeNet's pooling): the case with fast kernels.
    var isPairwise: Bool { rows.isPairwise && cols.isPairwise }
    var outPlane: Int { rows.count * cols.count }
    /// Work per plane, for `parallelFor`'s grain: output size times the taps of the largest window.
    var costPerPlane: Int {
        let taps = (rows.count == 0 ? 0 : (0..<rows.count).map(rows.size).max()!)
            * (cols.count == 0 ? 0 : (0..<cols.count).map(cols.size).max()!)
        return Swift.max(1, outPlane * taps)
    }
}

// The kernels take contiguous float32 or float64 tensors (anything not float32 is read as float64);
// the ops convert other floating dtypes first.

// MARK: - Max pooling

/// Max over each window of contiguous `x` into `out`, with the flat in-plane
/// position of the maximum in `indices` (int64, or int32 when the positions fit). NaN wins, the
/// last NaN of a window as in PyTorch; an empty window gives -inf at the position of its first tap.
func maxPoolKernel(_ x: Tensor, _ geo: PoolGeometry, out: Tensor, indices: Tensor) {
    if indices.dtype == .int32 {
        maxPoolKernel(x, geo, out: out, indices.pointer(as: Int32.self))
    } else {
        maxPoolKernel(x, geo, out: out, indices.pointer(as: Int64.self))
    }
}

private func maxPoolKernel<I: FixedWidthInteger>(_ x: Tensor, _ geo: PoolGeometry, out: Tensor, _ pi: UnsafeMutablePointer<I>) {
    if x.dtype == .float32 && geo.isPairwise {
        maxPool2x2(x.pointer(as: Float.self), geo, out.pointer(as: Float.self), pi)
    } else if x.dtype == .float32, geo.rows.undilated != nil, let cols = geo.cols.undilated, cols.stride <= 2 {
        maxPoolPadded(x.pointer(as: Float.self), geo, out.pointer(as: Float.self), pi)
    } else if x.dtype == .float32 {
        maxPool(x.pointer(as: Float.self), geo, out.pointer(as: Float.self), pi)
    } else {
        maxPool(x.pointer(as: Double.self), geo, out.pointer(as: Double.self), pi)
    }
}

private func maxPool<T: BinaryFloatingPoint, I: FixedWidthInteger>(_ px: UnsafeMutablePointer<T>, _ geo: PoolGeometry,
                                                                   _ po: UnsafeMutablePointer<T>, _ indices: UnsafeMutablePointer<I>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane
    let rows = geo.rows, cols = geo.cols, rs = rows.step, cs = cols.step, ocols = cols.count
    parallelFor(geo.planes, costPerItem: geo.costPerPlane) { range in
        for p in range {
            let xp = px + p * inPlane, op = po + p * outPlane, ip = indices + p * outPlane
            for oh in 0..<rows.count {
                let h0 = rows.start[oh], h1 = rows.end[oh]
                for ow in 0..<ocols {
                    let w0 = cols.start[ow], w1 = cols.end[ow]
                    var best = -T.infinity, at = h0 * width + w0
                    var h = h0
                    while h < h1 {
                        let row = h * width
                        var w = w0
                        while w < w1 {
                            // Both tests, then selects: as one branch on random data, mispredicted
                            // about every other window, this loop was a tenth of GoogLeNet's step.
                            let v = xp[row + w], greater = v > best, nan = v.isNaN, wins = greater || nan
                            best = wins ? v : best
                            at = wins ? row + w : at
                            w += cs
                        }
                        h += rs
                    }
                    op[oh * ocols + ow] = best
                    ip[oh * ocols + ow] = I(truncatingIfNeeded: at)
                }
            }
        }
    }
}

/// `maxPool` for float32 without dilation, at a column stride of 1 or 2 (GoogLeNet's 3×3 poolings
/// at stride 1 and 2, ResNet's, DenseNet's and AlexNet's at stride 2): each plane is copied into a
/// scratch plane padded with -inf, then each output row is done eight columns at a time over the
/// window's taps in order (sixteen floats loaded and their even lanes kept at stride 2), so the
/// same winner, NaN included (a padding tap, -inf, never wins: the first tap inside the input is
/// where each window starts). Windows clipped by the padding need no scalar loop: that loop, on
/// the edges of DenseNet's 48×48 stem pooling, was a third of its columns and most of its time.
private func maxPoolPadded<I: FixedWidthInteger>(_ px: UnsafeMutablePointer<Float>, _ geo: PoolGeometry,
                                                 _ po: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<I>) {
    let width = geo.width, height = geo.height, inPlane = geo.inPlane, outPlane = geo.outPlane
    let rows = geo.rows, cols = geo.cols, ocols = cols.count, orows = rows.count
    let (rowStride, padTop) = rows.undilated!, (colStride, padLeft) = cols.undilated!
    guard inPlane < Int(Int32.max), orows > 0, ocols > 0 else { return maxPool(px, geo, po, indices) }
    // Taps per window that can reach the input: window o covers o·stride - pad ..< o·stride - pad
    // + kernel, clipped at the end to the input (taps past it are padding and are left out).
    let kernelH = (0..<orows).map { rows.end[$0] - ($0 * rowStride - padTop) }.max()!
    let kernelW = (0..<ocols).map { cols.end[$0] - ($0 * colStride - padLeft) }.max()!
    // The scratch plane: rows from -padTop, as many as the last window reaches, columns from
    // -padLeft, wide enough for the loads of every chunk's taps (8 or 16 floats from each).
    let chunks = (ocols + 7) / 8, stride = chunks * 8 * colStride + kernelW - 1
    let scratchRows = (orows - 1) * rowStride + kernelH
    let copiedRows = Swift.min(height, scratchRows - padTop), copiedCols = Swift.min(width, stride - padLeft)
    // Each chunk's lanes' first columns, the first of them inside the input (where each window's
    // index starts, as in the general loop), and each output row's first row inside the input.
    let firstCols = (0..<chunks).map { c in SIMD8<Int32>((0..<8).map { lane in Int32((c * 8 + lane) * colStride - padLeft) }) }
    let firstInside = firstCols.map { cols in SIMD8<Int32>((0..<8).map { lane in Swift.max(cols[lane], 0) }) }
    let firstRows = (0..<orows).map { Int32(rows.start[$0] * width) }
    parallelFor(geo.planes, costPerItem: geo.costPerPlane) { range in
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchRows * stride)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: -.infinity, count: scratchRows * stride)
        firstCols.withUnsafeBufferPointer { firstCols in
            firstInside.withUnsafeBufferPointer { firstInside in
                firstRows.withUnsafeBufferPointer { firstRows in
                    for p in range {
                        let xp = px + p * inPlane, op = po + p * outPlane, ip = indices + p * outPlane
                        for h in 0..<copiedRows {
                            (scratch + (h + padTop) * stride + padLeft).update(from: xp + h * width, count: copiedCols)
                        }
                        for oh in 0..<orows {
                            for chunk in 0..<chunks {
                                let ow = chunk * 8, firstCol = firstCols[chunk]
                                var best = SIMD8<Float>(repeating: -.infinity)
                                var at = SIMD8<Int32>(repeating: firstRows[oh]) &+ firstInside[chunk]
                                for i in 0..<kernelH {
                                    let row = oh * rowStride + i  // in the scratch plane
                                    let inputRow = Int32((row - padTop) * width), taps = scratch + row * stride + ow * colStride
                                    for j in 0..<kernelW {
                                        let v = colStride == 1 ? UnsafeRawPointer(taps + j).loadUnaligned(as: SIMD8<Float>.self)
                                            : ember_even_f8(taps + j)
                                        let wins = ember_max_wins_f8(v, best)
                                        best = ember_select_f8(wins, v, best)
                                        at = ember_select_i8(wins, SIMD8<Int32>(repeating: inputRow + Int32(j)) &+ firstCol, at)
                                    }
                                }
                                for k in 0..<Swift.min(8, ocols - ow) {
                                    op[oh * ocols + ow + k] = best[k]
                                    ip[oh * ocols + ow + k] = I(truncatingIfNeeded: at[k])
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `maxPool` for 2×2 windows at stride 2: the same taps in the same order (so the same winner,
/// NaN included), eight windows at a time, then four (the narrow maps of LeNet's second pooling
/// have rows of four), then one.
private func maxPool2x2<I: FixedWidthInteger>(_ px: UnsafeMutablePointer<Float>, _ geo: PoolGeometry,
                                              _ po: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<I>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane, orows = geo.rows.count, ocols = geo.cols.count
    parallelFor(geo.planes, costPerItem: 4 * outPlane) { range in
        for p in range {
            let xp = px + p * inPlane
            for oh in 0..<orows {
                let top = 2 * oh * width, o = po + p * outPlane + oh * ocols, at = indices + p * outPlane + oh * ocols
                /// Stores the winners of windows `ow ..< ow + count` and their input indices.
                @inline(__always) func store(_ ow: Int, _ best: SIMD8<Float>, _ tap: SIMD8<Float>, _ count: Int) {
                    for k in 0..<count {
                        let t = Int(tap[k])
                        o[ow + k] = best[k]
                        at[ow + k] = I(truncatingIfNeeded: top + 2 * (ow + k) + (t >> 1) * width + (t & 1))
                    }
                }
                var ow = 0
                while ow + 8 <= ocols {
                    let upper = UnsafeRawPointer(xp + top + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
                    let lower = UnsafeRawPointer(xp + top + width + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
                    let (best, tap) = maxOfFour(upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
                    store(ow, best, tap, 8)
                    ow += 8
                }
                if ow + 4 <= ocols {
                    let upper = UnsafeRawPointer(xp + top + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
                    let lower = UnsafeRawPointer(xp + top + width + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
                    // Four windows in the low lanes (the high lanes repeat them).
                    func twice(_ v: SIMD4<Float>) -> SIMD8<Float> { SIMD8(lowHalf: v, highHalf: v) }
                    let (best, tap) = maxOfFour(twice(upper.evenHalf), twice(upper.oddHalf), twice(lower.evenHalf), twice(lower.oddHalf))
                    store(ow, best, tap, 4)
                    ow += 4
                }
                while ow < ocols {
                    let first = top + 2 * ow
                    var best = xp[first], winner = first
                    @inline(__always) func visit(_ tap: Int) {
                        if xp[tap] > best || xp[tap].isNaN { best = xp[tap]; winner = tap }
                    }
                    visit(first + 1)
                    visit(first + width)
                    visit(first + width + 1)
                    o[ow] = best
                    at[ow] = I(truncatingIfNeeded: winner)
                    ow += 1
                }
            }
        }
    }
}

/// Lane-wise maximum of a 2×2 window's taps in order (a later tap wins if larger or NaN, as in the
/// general kernel), with the winning tap's number 0–3 as a float.
@inline(__always)
private func maxOfFour(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>,
                       _ d: SIMD8<Float>) -> (best: SIMD8<Float>, tap: SIMD8<Float>) {
    var best = a, tap = SIMD8<Float>(repeating: 0)
    var wins = (b .> best) .| (b .!= b)
    best.replace(with: b, where: wins)
    tap.replace(with: 1, where: wins)
    wins = (c .> best) .| (c .!= c)
    best.replace(with: c, where: wins)
    tap.replace(with: 2, where: wins)
    wins = (d .> best) .| (d .!= d)
    best.replace(with: d, where: wins)
    tap.replace(with: 3, where: wins)
    return (best, tap)
}

/// The gradient of max pooling: `gradInput[plane][indices[o]] += grad[o]` into a
/// contiguous `gradInput`, which the kernel zeroes first, of `planes × inPlane` elements (`grad`
/// contiguous, `indices` int64 or int32).
func maxPoolBackwardKernel(_ grad: Tensor, _ indices: Tensor, planes: Int, inPlane: Int, outPlane: Int,
                           into gradInput: Tensor) {
    if indices.dtype == .int32 {
        maxPoolBackwardKernel(grad, indices.pointer(as: Int32.self), planes: planes, inPlane: inPlane, outPlane: outPlane, into: gradInput)
    } else {
        maxPoolBackwardKernel(grad, indices.pointer(as: Int64.self), planes: planes, inPlane: inPlane, outPlane: outPlane, into: gradInput)
    }
}

private func maxPoolBackwardKernel<I: FixedWidthInteger>(_ grad: Tensor, _ px: UnsafeMutablePointer<I>, planes: Int, inPlane: Int,
                                                         outPlane: Int, into gradInput: Tensor) {
    if grad.dtype == .float32 {
        maxPoolBackward(grad.pointer(as: Float.self), px, planes, inPlane, outPlane, gradInput.pointer(as: Float.self))
    } else {
        maxPoolBackward(grad.pointer(as: Double.self), px, planes, inPlane, outPlane, gradInput.pointer(as: Double.self))
    }
}

private func maxPoolBackward<T: BinaryFloatingPoint, I: FixedWidthInteger>(_ pg: UnsafeMutablePointer<T>,
                                                                           _ indices: UnsafeMutablePointer<I>,
                                                                           _ planes: Int, _ inPlane: Int, _ outPlane: Int,
                                                                           _ pi: UnsafeMutablePointer<T>) {
    parallelFor(planes, costPerItem: outPlane) { range in
        for p in range {
            let gp = pg + p * outPlane, ip = indices + p * outPlane, dp = pi + p * inPlane
            dp.update(repeating: 0, count: inPlane)
            for o in 0..<outPlane {
                let at = Int(ip[o])
                // An empty window (all taps in the padding) points outside the plane; it has no input.
                if at >= 0 && at < inPlane { dp[at] += gp[o] }
            }
        }
    }
}

// MARK: - Average pooling

/// Sum over each window of contiguous `x` divided by `divisors[o]` (one per output
/// position of a plane) into `out`. Average-pooling windows are never empty: they start inside the
/// input or its left padding and are longer than the padding.
func avgPoolKernel(_ x: Tensor, _ geo: PoolGeometry, divisors: [Int], out: Tensor) {
    if x.dtype == .float32 && geo.isPairwise && divisors.allSatisfy({ $0 == 4 }) {
        avgPool2x2(x.pointer(as: Float.self), geo, out.pointer(as: Float.self))
    } else if x.dtype == .float32 {
        avgPool(x.pointer(as: Float.self), geo, divisors, out.pointer(as: Float.self))
    } else {
        avgPool(x.pointer(as: Double.self), geo, divisors, out.pointer(as: Double.self))
    }
}

private func avgPool<T: BinaryFloatingPoint>(_ px: UnsafeMutablePointer<T>, _ geo: PoolGeometry, _ divisors: [Int],
                                             _ po: UnsafeMutablePointer<T>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane
    let rows = geo.rows, cols = geo.cols, ocols = cols.count
    let div = divisors.map { T($0) }
    parallelFor(geo.planes, costPerItem: geo.costPerPlane) { range in
        for p in range {
            let xp = px + p * inPlane, op = po + p * outPlane
            for oh in 0..<rows.count {
                let h0 = rows.start[oh], h1 = rows.end[oh]
                for ow in 0..<ocols {
                    let w0 = cols.start[ow], w1 = cols.end[ow], o = oh * ocols + ow
                    var sum: T = 0
                    for h in h0..<h1 {
                        let row = xp + h * width
                        for w in w0..<w1 { sum += row[w] }
                    }
                    op[o] = sum / div[o]
                }
            }
        }
    }
}

/// `avgPool` for 2×2 windows at stride 2 dividing by 4, eight outputs at a time: each row pair
/// is added, then each pair of neighbours (so the four taps are summed in another order).
private func avgPool2x2(_ px: UnsafeMutablePointer<Float>, _ geo: PoolGeometry, _ po: UnsafeMutablePointer<Float>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane, orows = geo.rows.count, ocols = geo.cols.count
    parallelFor(geo.planes, costPerItem: 4 * outPlane) { range in
        for p in range {
            for oh in 0..<orows {
                let r0 = px + p * inPlane + 2 * oh * width, r1 = r0 + width, o = po + p * outPlane + oh * ocols
                var ow = 0
                while ow + 8 <= ocols {
                    let pair = UnsafeRawPointer(r0 + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
                        + UnsafeRawPointer(r1 + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(o + ow).storeBytes(of: (pair.evenHalf + pair.oddHalf) * 0.25, as: SIMD8<Float>.self)
                    ow += 8
                }
                while ow < ocols {
                    o[ow] = ((r0[2 * ow] + r1[2 * ow]) + (r0[2 * ow + 1] + r1[2 * ow + 1])) * 0.25
                    ow += 1
                }
            }
        }
    }
}

/// The gradient of average pooling: each `grad[o] / divisors[o]` added to every tap of window `o`,
/// into contiguous `gradInput`, which the kernel zeroes first (`grad` contiguous).
func avgPoolBackwardKernel(_ grad: Tensor, _ geo: PoolGeometry, divisors: [Int], into gradInput: Tensor) {
    if grad.dtype == .float32 && geo.isPairwise && divisors.allSatisfy({ $0 == 4 }) {
        avgPoolBackward2x2(grad.pointer(as: Float.self), geo, gradInput.pointer(as: Float.self))
    } else if grad.dtype == .float32 {
        avgPoolBackward(grad.pointer(as: Float.self), geo, divisors, gradInput.pointer(as: Float.self))
    } else {
        avgPoolBackward(grad.pointer(as: Double.self), geo, divisors, gradInput.pointer(as: Double.self))
    }
}

private func avgPoolBackward<T: BinaryFloatingPoint>(_ pg: UnsafeMutablePointer<T>, _ geo: PoolGeometry,
                                                     _ divisors: [Int], _ pi: UnsafeMutablePointer<T>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane
    let rows = geo.rows, cols = geo.cols, ocols = cols.count
    let div = divisors.map { T($0) }
    parallelFor(geo.planes, costPerItem: geo.costPerPlane) { range in
        for p in range {
            let gp = pg + p * outPlane, dp = pi + p * inPlane
            dp.update(repeating: 0, count: inPlane)
            for oh in 0..<rows.count {
                let h0 = rows.start[oh], h1 = rows.end[oh]
                for ow in 0..<ocols {
                    let w0 = cols.start[ow], w1 = cols.end[ow], o = oh * ocols + ow
                    let v = gp[o] / div[o]
                    for h in h0..<h1 {
                        let row = dp + h * width
                        for w in w0..<w1 { row[w] += v }
                    }
                }
            }
        }
    }
}

/// `avgPoolBackward` for 2×2 windows at stride 2 dividing by 4: every tap of a window gets a
/// quarter of its gradient; a last odd row or column, in no window, gets zero.
private func avgPoolBackward2x2(_ pg: UnsafeMutablePointer<Float>, _ geo: PoolGeometry, _ pi: UnsafeMutablePointer<Float>) {
    let width = geo.width, inPlane = geo.inPlane, outPlane = geo.outPlane, orows = geo.rows.count, ocols = geo.cols.count
    parallelFor(geo.planes, costPerItem: 4 * outPlane) { range in
        for p in range {
            let dp = pi + p * inPlane
            for oh in 0..<orows {
                let g = pg + p * outPlane + oh * ocols, r0 = dp + 2 * oh * width, r1 = r0 + width
                for ow in 0..<ocols {
                    let v = g[ow] * 0.25
                    r0[2 * ow] = v
                    r0[2 * ow + 1] = v
                    r1[2 * ow] = v
                    r1[2 * ow + 1] = v
                }
                if 2 * ocols < width {
                    r0[2 * ocols] = 0
                    r1[2 * ocols] = 0
                }
            }
            if 2 * orows < geo.height { (dp + 2 * orows * width).update(repeating: 0, count: width) }
        }
    }
}
