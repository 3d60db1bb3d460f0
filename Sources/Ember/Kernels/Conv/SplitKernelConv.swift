import Foundation

/// A float32 5×5 stride-1 convolution computed as one 3×3 Winograd convolution with four times the
/// input channels. The 5×5 kernel, extended by a zero row and column to 6×6, is four 3×3 blocks at
/// offsets (0, 0), (0, 3), (3, 0) and (3, 3); the output is the sum of the four 3×3 convolutions
/// of the padded input shifted by each offset, which is one 3×3 convolution (no padding) of the
/// four shifted copies stacked along the channels with the four blocks stacked the same way.
/// oneDNN 2.6 has Winograd kernels only for 3×3 filters; on AlexNet's second layer (96 → 256
/// channels, 26×26, batch 32) its F(4×4, 3×3) kernel on the stacked input measured 1.4–2.4× faster
/// than its direct 5×5 kernel in each pass (a C harness over the primitives, three rounds), despite
/// the 36 taps for 25. The gradients follow by the chain rule: the weight gradient of each block
/// is that block of the stacked weight gradient, and the input gradient the sum of the four
/// shifted slices of the stacked input gradient. Each pass runs over the batch four images at a
/// time (the weight gradient summing the runs'): oneDNN's Winograd passes keep every image's
/// transformed tiles in their scratchpads, which for the whole batch of 32 were 157 and 186 MiB
/// at the peak of AlexNet's step.
final class SplitKernelConv: OwnConvKernel, @unchecked Sendable {
    /// The 5×5 convolution.
    let geometry: ConvGeometry
    /// The 3×3 Winograd convolution over the stacked input.
    private let inner: ConvGeometry
    private let lock = NSLock()
    /// The stacked weights or their gradient.
    private var stackedWeights: UnsafeMutablePointer<Float>
    /// Images per run of each pass.
    private static let chunkImages = 4

    /// Block offsets of the 6×6-extended kernel, (row, column) per block, in stacking order.
    private static let offsets = [(0, 0), (0, 3), (3, 0), (3, 3)]
    private static let cache = PlanCache<ConvGeometry, SplitKernelConv>(SplitKernelConv.init)

    /// The cached kernel for `geometry` (one `algorithm(for:)` gives `.fiveByFive`).
    static func plan(_ geometry: ConvGeometry) -> SplitKernelConv { cache.plan(geometry) }

    private init(_ g: ConvGeometry) {
        geometry = g
        inner = ConvGeometry(n: g.n, cin: 4 * g.cin, h: g.outH + 2, w: g.outW + 2, cout: g.cout, kh: 3, kw: 3,
                             stride: [1, 1], padL: [0, 0], padR: [0, 0], dilation: [1, 1], groups: 1, dtype: .float32,
                             forceOneDNNWinograd: true)
        stackedWeights = .allocate(capacity: inner.cout * inner.cin * 9)
    }

    deinit {
        stackedWeights.deallocate()
    }

    private var plane: Int { inner.h * inner.w }

    /// `body` with a buffer from `ScratchPool` for the stacked input (or its gradient) of `images` images.
    private func withStacked(images: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        let buffer = ScratchPool.take(images * inner.cin * plane * MemoryLayout<Float>.stride)
        defer { ScratchPool.give(buffer) }
        body(buffer.pointer.assumingMemoryBound(to: Float.self))
    }

    /// For each (image, channel) plane of `0..<images * cin` on the kernel threads: `body(image, channel)`.
    private func forEachPlane(images: Int, _ body: (Int, Int) -> Void) {
        let cin = geometry.cin
        parallelFor(images * cin, costPerItem: 4 * plane) { range in
            for p in range { body(p / cin, p % cin) }
        }
    }

    /// Column range `lo..<hi` of a stacked row whose source column `x + shift` lies inside the input.
    private func validColumns(shift: Int) -> (Int, Int) {
        let lo = Swift.min(inner.w, Swift.max(0, -shift)), hi = Swift.max(lo, Swift.min(inner.w, geometry.w - shift))
        return (lo, hi)
    }

    /// Fills `stacked` from the first `images` images of the input `src`: channel `q * cin + c` of
    /// an image holds channel `c` of the zero-padded input shifted by block `q`'s offset.
    private func stackInput(_ src: UnsafePointer<Float>, images: Int, into stacked: UnsafeMutablePointer<Float>) {
        let g = geometry, cin = g.cin, (h, w, ih, iw) = (g.h, g.w, inner.h, inner.w)
        forEachPlane(images: images) { image, c in
            let from = src + (image * cin + c) * h * w
            for (q, (a, b)) in Self.offsets.enumerated() {
                let to = stacked + ((image * 4 + q) * cin + c) * plane
                let rowShift = a - g.padL[0], colShift = b - g.padL[1]
                let (lo, hi) = validColumns(shift: colShift)
                for y in 0..<ih {
                    let row = to + y * iw, sy = y + rowShift
                    guard sy >= 0 && sy < h else { row.update(repeating: 0, count: iw); continue }
                    row.update(repeating: 0, count: lo)
                    (row + lo).update(from: from + sy * w + lo + colShift, count: hi - lo)
                    (row + hi).update(repeating: 0, count: iw - hi)
                }
            }
        }
    }

    /// Fills `stackedWeights` from the 5×5 `weights`: block `q` of each filter, zero past the kernel.
    private func stackWeights(_ weights: UnsafePointer<Float>) {
        let g = geometry
        for o in 0..<g.cout {
            for (q, (a, b)) in Self.offsets.enumerated() {
                for c in 0..<g.cin {
                    let from = weights + (o * g.cin + c) * 25, to = stackedWeights + (o * 4 * g.cin + q * g.cin + c) * 9
                    for i in 0..<3 {
                        for j in 0..<3 { to[i * 3 + j] = a + i < 5 && b + j < 5 ? from[(a + i) * 5 + b + j] : 0 }
                    }
                }
            }
        }
    }

    /// `body(first, images, plan, stacked)` for each run of at most `chunkImages` images from
    /// image `first`, with the stacked convolution's plan for that many and a stacked buffer for them.
    private func forEachChunk(_ body: (Int, Int, ConvPlan, UnsafeMutablePointer<Float>) -> Void) {
        withStacked(images: Swift.min(inner.n, Self.chunkImages)) { stacked in
            inner.forEachRun(of: Self.chunkImages) { first, run in body(first, run.n, ConvPlan.plan(run), stacked) }
        }
    }

    /// `dst = conv(src, weights) + bias` on plain NCHW buffers.
    func forward(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                 _ dst: UnsafeMutablePointer<Float>) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry
        stackWeights(weights)
        forEachChunk { first, images, plan, stacked in
            stackInput(src + first * g.cin * g.h * g.w, images: images, into: stacked)
            plan.runForward(src: UnsafeMutableRawPointer(stacked), weights: UnsafeMutableRawPointer(stackedWeights),
                            bias: UnsafeMutableRawPointer(mutating: bias), dst: UnsafeMutableRawPointer(dst + first * g.cout * g.outH * g.outW))
        }
    }

    /// The input gradient `diffSrc` from `diffDst` and the weights: the sum over blocks of the
    /// stacked input gradient, each shifted back by its block's offset.
    func backwardData(_ diffDst: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ diffSrc: UnsafeMutablePointer<Float>,
                      token: Int?) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry
        stackWeights(weights)
        forEachChunk { first, images, plan, stacked in
            plan.runBackwardData(diffDst: UnsafeMutableRawPointer(mutating: diffDst + first * g.cout * g.outH * g.outW),
                                 weights: UnsafeMutableRawPointer(stackedWeights), diffSrc: UnsafeMutableRawPointer(stacked),
                                 token: images == g.n ? token : nil)
            sumShifted(stacked, images: images, into: diffSrc + first * g.cin * g.h * g.w)
        }
    }

    /// The input gradient of `images` images in `diffSrc`: the sum over blocks of their stacked
    /// input gradient `stacked`, each shifted back by its block's offset.
    private func sumShifted(_ stacked: UnsafeMutablePointer<Float>, images: Int, into diffSrc: UnsafeMutablePointer<Float>) {
        let g = geometry, cin = g.cin, (h, w, ih, iw) = (g.h, g.w, inner.h, inner.w)
        forEachPlane(images: images) { image, c in
            let to = diffSrc + (image * cin + c) * h * w
            to.update(repeating: 0, count: h * w)
            for (q, (a, b)) in Self.offsets.enumerated() {
                let from = stacked + ((image * 4 + q) * cin + c) * plane
                // Stacked pixel (y, x) came from input pixel (y + rowShift, x + colShift).
                let rowShift = a - g.padL[0], colShift = b - g.padL[1]
                let (lo, hi) = validColumns(shift: colShift), top = Swift.max(0, -rowShift)
                for y in top..<Swift.max(top, Swift.min(ih, h - rowShift)) where lo < hi {
                    let src = from + y * iw + lo, row = to + (y + rowShift) * w + lo + colShift
                    for x in 0..<(hi - lo) { row[x] += src[x] }
                }
            }
        }
    }

    /// The weight gradient `diffWeights` (and `diffBias` when given) from the input and `diffDst`.
    func backwardWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>, _ diffWeights: UnsafeMutablePointer<Float>,
                         _ diffBias: UnsafeMutablePointer<Float>?, token: Int?) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry, count = inner.cout * inner.cin * 9
        let partial = ScratchPool.take(count * MemoryLayout<Float>.stride)
        defer { ScratchPool.give(partial) }
        forEachChunk { first, images, plan, stacked in
            stackInput(src + first * g.cin * g.h * g.w, images: images, into: stacked)
            plan.runBackwardWeights(src: UnsafeMutableRawPointer(stacked),
                                    diffDst: UnsafeMutableRawPointer(mutating: diffDst + first * g.cout * g.outH * g.outW),
                                    diffWeights: first == 0 ? UnsafeMutableRawPointer(stackedWeights) : partial.pointer, diffBias: nil,
                                    token: images == g.n ? token : nil)
            if first > 0 {
                let add = partial.pointer.assumingMemoryBound(to: Float.self)
                for i in 0..<count { stackedWeights[i] += add[i] }
            }
        }
        if let diffBias { channelSums(diffDst, n: g.n, channels: g.cout, pixels: g.outH * g.outW, diffBias) }
        for o in 0..<g.cout {
            for (q, (a, b)) in Self.offsets.enumerated() {
                for c in 0..<g.cin {
                    let from = stackedWeights + (o * 4 * g.cin + q * g.cin + c) * 9, to = diffWeights + (o * g.cin + c) * 25
                    for i in 0..<3 where a + i < 5 {
                        for j in 0..<3 where b + j < 5 { to[(a + i) * 5 + b + j] = from[i * 3 + j] }
                    }
                }
            }
        }
    }
}
