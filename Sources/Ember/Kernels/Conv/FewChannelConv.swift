/// Float32 convolution of inputs with few channels (a network's first layer on gray or RGB
/// images), groups 1: the forward pass and the weight (and bias) gradient, vectorized over output
/// columns. oneDNN serves these shapes badly: its blocked layouts pad the channels to sixteen, and
/// on plain NCHW it computes the weight gradient as an im2col and a small gemm per image (LeNet's
/// first layer: 7.9 ms of a 17 ms training step).
///
/// Both passes first spread each input row of an image into `kw` shifted copies (one per kernel
/// column, already strided, zero outside the image), so every output row is a sum of products of
/// whole rows. The inner loops keep eight or twelve vector accumulators (four or six output
/// channels × sixteen columns) so the fused multiply-adds do not wait on each other; the package
/// compiles the library for AVX2 + FMA (see Package.swift).
struct FewChannelConv {
    private let n, cin, h, w, cout, kh, kw, oh, ow: Int
    private let strideY, strideX, padTop, padLeft, dilationY, dilationX: Int
    /// An output row's length padded to whole vectors.
    private let rowLength: Int

    init(g: ConvGeometry) {
        (n, cin, h, w, cout, kh, kw, oh, ow) = (g.n, g.cin, g.h, g.w, g.cout, g.kh, g.kw, g.outH, g.outW)
        (strideY, strideX, padTop, padLeft) = (g.stride[0], g.stride[1], g.padL[0], g.padL[1])
        (dilationY, dilationX) = (g.dilation[0], g.dilation[1])
        rowLength = (ow + Self.width - 1) / Self.width * Self.width
    }

    private typealias V = SIMD8<Float>
    private static let width = V.scalarCount
    /// Columns per step of the inner loops: two vectors.
    private static let block = 2 * width

    /// Fills `rows[kx * h * rowLength + x]` with the input pixel output column `x` sees through
    /// kernel column `kx` from input row `row`, for a column stride above 1: zero in the padding
    /// and past the output's width.
    @inline(__always)
    private func spreadStrided(_ row: UnsafePointer<Float>, into rows: UnsafeMutablePointer<Float>) {
        let s = strideX
        for kx in 0..<kw {
            let dst = rows + kx * h * rowLength, shift = kx * dilationX - padLeft
            // Columns whose input index `x * s + shift` falls inside the row.
            let lo = Swift.min(ow, shift >= 0 ? 0 : (-shift + s - 1) / s)
            let hi = Swift.max(lo, Swift.min(ow, w - shift <= 0 ? 0 : (w - shift + s - 1) / s))
            dst.update(repeating: 0, count: lo)
            for x in lo..<hi { dst[x] = row[x * s + shift] }
            (dst + hi).update(repeating: 0, count: rowLength - hi)
        }
    }

    /// Spreads every input row of image `image` (all channels) into `rows`, so the copy for
    /// channel `c`, kernel column `kx` and input row `iy` starts at `spreadRow(c, kx, iy)`: for one
    /// channel and kernel column, consecutive input rows are contiguous. With stride 1 each row is
    /// first laid out once between its zero padding in `line` (zero outside the row, as the caller
    /// allocated it), and each kernel column's copy is a vector copy from its offset there.
    private func spreadImage(_ src: UnsafePointer<Float>, _ image: Int, into rows: UnsafeMutablePointer<Float>,
                             line: UnsafeMutablePointer<Float>) {
        for c in 0..<cin {
            for iy in 0..<h {
                let row = src + ((image * cin + c) * h + iy) * w
                guard strideX == 1 else {
                    spreadStrided(row, into: rows + spreadRow(c, 0, iy))
                    continue
                }
                (line + padLeft).update(from: row, count: Swift.min(w, lineLength - padLeft))
                for kx in 0..<kw {
                    let from = line + kx * dilationX, to = rows + spreadRow(c, kx, iy)
                    var x = 0
                    while x < rowLength {
                        UnsafeMutableRawPointer(to + x).storeBytes(of: load(from + x), as: V.self)
                        x += Self.width
                    }
                    for x in ow..<rowLength { to[x] = 0 }
                }
            }
        }
    }

    /// Length of the stride-1 row buffer: what the last kernel column reads, the row and its
    /// left padding (the right padding is never read past the output's width).
    private var lineLength: Int { Swift.max((kw - 1) * dilationX + rowLength, padLeft) }

    /// A zeroed row buffer for `spreadImage`.
    private func zeroLine() -> UnsafeMutablePointer<Float> {
        let line = UnsafeMutablePointer<Float>.allocate(capacity: lineLength)
        line.initialize(repeating: 0, count: lineLength)
        return line
    }

    @inline(__always)
    private func spreadRow(_ c: Int, _ kx: Int, _ iy: Int) -> Int { ((c * kw + kx) * h + iy) * rowLength }

    /// Length of the spread buffer: every spread row, and one row of zeros after them.
    private var spreadLength: Int { (cin * kw * h + 1) * rowLength }

    /// The output rows `y0 ..< y1` that kernel row `ky` connects to input rows (not padding).
    @inline(__always)
    private func outputRows(_ ky: Int) -> Range<Int> {
        let shift = ky * dilationY - padTop, s = strideY
        let y0 = Swift.min(oh, shift >= 0 ? 0 : (-shift + s - 1) / s)
        let y1 = Swift.max(y0, Swift.min(oh, h - shift <= 0 ? 0 : (h - shift + s - 1) / s))
        return y0..<y1
    }

    /// Output channels per group: the forward pass computes six at a time (twelve vector
    /// accumulators, LeNet's six channels in one group), the weight gradient four (six measured
    /// 10% slower there: its loads are not shared across channels). A last group repeats its final
    /// channel to fill up.
    private static let forwardGroup = 6, backwardGroup = 4

    /// Channels `first ..< first + 6`, the ones past the last repeating it.
    @inline(__always)
    private func groupChannels(_ first: Int) -> (Int, Int, Int, Int, Int, Int) {
        let last = cout - 1
        return (first, Swift.min(first + 1, last), Swift.min(first + 2, last), Swift.min(first + 3, last),
                Swift.min(first + 4, last), Swift.min(first + 5, last))
    }

    /// `dst = conv(src, weights) + bias`, all contiguous NCHW / OIHW.
    func forward(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                 _ dst: UnsafeMutablePointer<Float>) {
        let filter = cin * kh * kw
        // Each weight splatted to a vector once, not once per use.
        let splat = UnsafeMutablePointer<V>.allocate(capacity: cout * filter)
        for i in 0..<cout * filter { splat[i] = V(repeating: weights[i]) }
        // For each output row and tap (c, ky, kx), where its spread input row starts: the zero row
        // in the padding. One flat loop over the taps then computes a block of outputs.
        let zeroRow = spreadLength - rowLength
        let tapRows = UnsafeMutablePointer<Int>.allocate(capacity: oh * filter)
        tapRows.initialize(repeating: zeroRow, count: oh * filter)
        for c in 0..<cin {
            for ky in 0..<kh {
                for y in outputRows(ky) {
                    for kx in 0..<kw {
                        tapRows[y * filter + (c * kh + ky) * kw + kx] = spreadRow(c, kx, y * strideY - padTop + ky * dilationY)
                    }
                }
            }
        }
        defer { splat.deallocate(); tapRows.deallocate() }
        parallelFor(n, costPerItem: cout * oh * ow * filter) { images in
            // The image's output with rows padded to whole vectors, copied out compactly at the end
            // (storing a ragged last block lane by lane cost more than the arithmetic).
            let rows = allocateFloats(spreadLength), line = zeroLine(), padded = allocateFloats(cout * oh * rowLength)
            (rows + zeroRow).initialize(repeating: 0, count: rowLength)
            defer { rows.deallocate(); line.deallocate(); padded.deallocate() }
            for image in images {
                spreadImage(src, image, into: rows, line: line)
                for y in 0..<oh {
                    let taps = tapRows + y * filter
                    for first in stride(from: 0, to: cout, by: Self.forwardGroup) {
                        let (o0, o1, o2, o3, o4, o5) = groupChannels(first)
                        let w0 = splat + o0 * filter, w1 = splat + o1 * filter, w2 = splat + o2 * filter
                        let w3 = splat + o3 * filter, w4 = splat + o4 * filter, w5 = splat + o5 * filter
                        let b0 = V(repeating: bias?[o0] ?? 0), b1 = V(repeating: bias?[o1] ?? 0)
                        let b2 = V(repeating: bias?[o2] ?? 0), b3 = V(repeating: bias?[o3] ?? 0)
                        let b4 = V(repeating: bias?[o4] ?? 0), b5 = V(repeating: bias?[o5] ?? 0)
                        var x = 0
                        while x < ow {
                            var (a0, a1, a2, a3, a4, a5) = (b0, b1, b2, b3, b4, b5), (e0, e1, e2, e3, e4, e5) = (b0, b1, b2, b3, b4, b5)
                            // Sixteen columns, or a last eight: the second vector only when the row has it.
                            let block = rows + x, full = ow - x > Self.width
                            for t in 0..<filter {
                                let s = load(block + taps[t])
                                a0 = a0.addingProduct(w0[t], s); a1 = a1.addingProduct(w1[t], s); a2 = a2.addingProduct(w2[t], s)
                                a3 = a3.addingProduct(w3[t], s); a4 = a4.addingProduct(w4[t], s); a5 = a5.addingProduct(w5[t], s)
                                if full {
                                    let u = load(block + taps[t] + Self.width)
                                    e0 = e0.addingProduct(w0[t], u); e1 = e1.addingProduct(w1[t], u); e2 = e2.addingProduct(w2[t], u)
                                    e3 = e3.addingProduct(w3[t], u); e4 = e4.addingProduct(w4[t], u); e5 = e5.addingProduct(w5[t], u)
                                }
                            }
                            // A repeated channel writes the same values again.
                            let out = padded + y * rowLength + x, plane = oh * rowLength
                            Self.store(a0, e0, out + o0 * plane, full)
                            Self.store(a1, e1, out + o1 * plane, full)
                            Self.store(a2, e2, out + o2 * plane, full)
                            Self.store(a3, e3, out + o3 * plane, full)
                            Self.store(a4, e4, out + o4 * plane, full)
                            Self.store(a5, e5, out + o5 * plane, full)
                            x += Self.block
                        }
                    }
                }
                for r in 0..<cout * oh {
                    let from = padded + r * rowLength, to = dst + (image * cout * oh + r) * ow
                    for x in 0..<ow { to[x] = from[x] }
                }
            }
        }
    }

    /// The weight gradient (and with `diffBias` the bias gradient) from the input and `diffDst`.
    /// Each thread sums its share of the images into vector accumulators; the shares are added in
    /// a fixed order, so the result does not depend on timing.
    func backwardWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>,
                         _ diffWeights: UnsafeMutablePointer<Float>, _ diffBias: UnsafeMutablePointer<Float>?) {
        let filter = cin * kh * kw, taps = cout * filter, slots = taps + cout
        let chunks = Swift.max(1, Swift.min(Threads.count, n))
        let partial = UnsafeMutablePointer<V>.allocate(capacity: chunks * slots)
        partial.initialize(repeating: V(), count: chunks * slots)
        defer { partial.deallocate() }
        parallelFor(chunks, costPerItem: n * oh * ow * taps / chunks) { r in
            let rows = allocateFloats(spreadLength), line = zeroLine()
            let dy = allocateFloats(cout * oh * rowLength)
            defer { rows.deallocate(); line.deallocate(); dy.deallocate() }
            for chunk in r {
                let acc = partial + chunk * slots
                for image in n * chunk / chunks ..< n * (chunk + 1) / chunks {
                    // This image's output gradient with rows padded by zeros to whole vectors.
                    for row in 0..<cout * oh {
                        let d = dy + row * rowLength
                        d.update(from: diffDst + (image * cout * oh + row) * ow, count: ow)
                        (d + ow).update(repeating: 0, count: rowLength - ow)
                    }
                    // The bias gradient: each channel's sum, over four accumulators.
                    for o in 0..<cout {
                        var (a, b, c, e) = (V(), V(), V(), V()), x = 0
                        let d = dy + o * oh * rowLength
                        while x + 4 * Self.width <= oh * rowLength {
                            a += load(d + x); b += load(d + x + Self.width)
                            c += load(d + x + 2 * Self.width); e += load(d + x + 3 * Self.width)
                            x += 4 * Self.width
                        }
                        while x < oh * rowLength {
                            a += load(d + x)
                            x += Self.width
                        }
                        acc[taps + o] += (a + b) + (c + e)
                    }
                    spreadImage(src, image, into: rows, line: line)
                    for first in stride(from: 0, to: cout, by: Self.backwardGroup) {
                        let (o0, o1, o2, o3, _, _) = groupChannels(first)
                        for c in 0..<cin {
                            for ky in 0..<kh {
                                let ys = outputRows(ky)
                                for kx in 0..<kw {
                                    var sums = Sums()
                                    // With stride 1 the rows `ys` are one contiguous run in both
                                    // the spread input and the output gradient; else one run a row.
                                    let runs = strideY == 1 ? (ys.isEmpty ? 0..<0 : 0..<1) : ys
                                    let runLength = strideY == 1 ? ys.count * rowLength : rowLength
                                    for run in runs {
                                        let y = strideY == 1 ? ys.lowerBound : run
                                        let d = dy + y * rowLength
                                        sums.add(rows + spreadRow(c, kx, y * strideY - padTop + ky * dilationY),
                                                 d + o0 * oh * rowLength, d + o1 * oh * rowLength,
                                                 d + o2 * oh * rowLength, d + o3 * oh * rowLength, runLength)
                                    }
                                    // A repeated channel's sums are dropped.
                                    let t = (c * kh + ky) * kw + kx
                                    acc[o0 * filter + t] += sums.a0 + sums.e0
                                    if first + 1 < cout { acc[o1 * filter + t] += sums.a1 + sums.e1 }
                                    if first + 2 < cout { acc[o2 * filter + t] += sums.a2 + sums.e2 }
                                    if first + 3 < cout { acc[o3 * filter + t] += sums.a3 + sums.e3 }
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<taps {
            var s: Float = 0
            for chunk in 0..<chunks { s += partial[chunk * slots + i].sum() }
            diffWeights[i] = s
        }
        if let diffBias {
            for o in 0..<cout {
                var s: Float = 0
                for chunk in 0..<chunks { s += partial[chunk * slots + taps + o].sum() }
                diffBias[o] = s
            }
        }
    }

    /// Four output channels' dot products with one spread input run, two vectors per channel.
    private struct Sums {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), e0 = V(), e1 = V(), e2 = V(), e3 = V()

        /// Adds `s · d_i` over `length` floats (a multiple of one vector) to channel `i`'s sums.
        @inline(__always)
        mutating func add(_ s: UnsafeMutablePointer<Float>, _ d0: UnsafeMutablePointer<Float>, _ d1: UnsafeMutablePointer<Float>,
                          _ d2: UnsafeMutablePointer<Float>, _ d3: UnsafeMutablePointer<Float>, _ length: Int) {
            var x = 0
            while x + block <= length {
                let p = load(s + x), q = load(s + x + width)
                a0 = a0.addingProduct(load(d0 + x), p); e0 = e0.addingProduct(load(d0 + x + width), q)
                a1 = a1.addingProduct(load(d1 + x), p); e1 = e1.addingProduct(load(d1 + x + width), q)
                a2 = a2.addingProduct(load(d2 + x), p); e2 = e2.addingProduct(load(d2 + x + width), q)
                a3 = a3.addingProduct(load(d3 + x), p); e3 = e3.addingProduct(load(d3 + x + width), q)
                x += block
            }
            if x < length {
                let p = load(s + x)
                a0 = a0.addingProduct(load(d0 + x), p); a1 = a1.addingProduct(load(d1 + x), p)
                a2 = a2.addingProduct(load(d2 + x), p); a3 = a3.addingProduct(load(d3 + x), p)
            }
        }
    }

    /// Stores `a` at `p`, and with `full` `b` after it.
    @inline(__always) private static func store(_ a: V, _ b: V, _ p: UnsafeMutablePointer<Float>, _ full: Bool) {
        UnsafeMutableRawPointer(p).storeBytes(of: a, as: V.self)
        if full { UnsafeMutableRawPointer(p + Self.width).storeBytes(of: b, as: V.self) }
    }
}

@inline(__always) private func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
