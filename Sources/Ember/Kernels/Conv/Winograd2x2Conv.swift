import CDNNL
import Foundation

/// Float32 3×3 stride-1 convolutions over 17–36-pixel maps (ResNet-18's stage 3: 6×6 maps, 256
/// channels), and over larger ones where oneDNN has no Winograd kernel (AVX2: AlexNet's conv3,
/// 49 → 26 ms forward against oneDNN's direct kernel), all three passes, as Winograd F(2×2, 3×3): each 4×4 input patch and each filter
/// are transformed into sixteen matrices, `tiles × cin` and `cin × cout`, whose sixteen products
/// are transformed back into 2×2 output tiles. The transforms add, subtract and halve, so the
/// results round like a direct convolution's; the products do 16 multiplies per 2×2 tile
/// instead of 36 and, as matrix products, run near the machine's peak. The transforms read and
/// write NCHW through one channels-last reorder each, not oneDNN's blocked layouts. On that
/// layer oneDNN 2.6's own Winograd kernel (F(4×4, 3×3), whose 4×4 tiles cover 6×6 maps with 8×8)
/// took 9.2 ms plus 2–3 ms of reorders for the forward, PyTorch 11–12 ms, this 8.8 ms (6.3–8.9
/// of it the products).
///
/// The input gradient is the same product over the output gradient with the filters turned by
/// 180° and their channels swapped; the weight gradient is the transposed product of the
/// transformed input and the output gradient transformed by the transpose of the output's map.
final class Winograd2x2Conv: OwnConvKernel, @unchecked Sendable {
    typealias V = SIMD8<Float>
    let geometry: ConvGeometry
    private let lock = NSLock()
    /// The forward's tiling, and the input gradient's (a convolution of the output gradient).
    private let forwardTiling, dataTiling: Tiling
    /// `[cout][cin][kh][kw]` ↔ `[kh][kw][cin][cout]` (the forward's and the weight gradient's
    /// taps) and ↔ `[kh][kw][cout][cin]` (the input gradient's).
    private let inputMajorTaps, outputMajorTaps: DNNLLayout
    /// Transformed filters `[16][k][n]` and the tap-major weights.
    private let filters, taps: UnsafeMutablePointer<Float>
    /// The floats of a pass's transformed inputs `[16][tiles][channels]` and of its products
    /// `[16][tiles][channels]` (each), and of a channels-last copy of an input or an output.
    private let tileFloats, channelsLastFloats: Int
    /// Those three buffers for the pass under way, from `ScratchPool` (each is several times an
    /// activation's size: kept per plan, GoogLeNet's held 143 MB).
    private var passBuffers: [(pointer: UnsafeMutableRawPointer, size: Int)] = []
    private var transformed: UnsafeMutablePointer<Float> { passBuffers[0].pointer.assumingMemoryBound(to: Float.self) }
    private var products: UnsafeMutablePointer<Float> { passBuffers[1].pointer.assumingMemoryBound(to: Float.self) }
    private var channelsLast: UnsafeMutablePointer<Float> { passBuffers[2].pointer.assumingMemoryBound(to: Float.self) }

    /// One tiled convolution: `inC` channels of `h × w` padded by `padT`, `padL` into `outC`
    /// channels of `oh × ow`, in 2×2 output tiles; `source` and `result` take its input and
    /// output between NCHW and channels-last.
    struct Tiling {
        var n, inC, outC, h, w, oh, ow, padT, padL: Int
        var source, result: DNNLLayout
        var rows: Int { (oh + 1) / 2 }
        var columns: Int { (ow + 1) / 2 }
        var tiles: Int { n * rows * columns }
        /// The rows and columns of an image's zero-padded channels-last copy: every tile's patch.
        var paddedH: Int { 2 * rows + 2 }
        var paddedW: Int { 2 * columns + 2 }
    }

    private static let cache = PlanCache<ConvGeometry, Winograd2x2Conv>(Winograd2x2Conv.init)

    /// The cached kernel for `geometry` (one `algorithm(for:)` gives `.winograd2x2`).
    static func plan(_ geometry: ConvGeometry) -> Winograd2x2Conv { cache.plan(geometry) }

    private init(_ g: ConvGeometry) {
        geometry = g
        func nhwc(_ dims: [Int]) -> DNNLLayout {
            DNNLLayout(plain: DNNL.plainDesc(dims, .float32), chosen: DNNL.channelsLastDesc(dims, .float32))
        }
        let (source, result) = (nhwc(g.srcDims), nhwc(g.dstDims))
        forwardTiling = Tiling(n: g.n, inC: g.cin, outC: g.cout, h: g.h, w: g.w, oh: g.outH, ow: g.outW, padT: g.padL[0], padL: g.padL[1],
                               source: source, result: result)
        dataTiling = Tiling(n: g.n, inC: g.cout, outC: g.cin, h: g.outH, w: g.outW, oh: g.h, ow: g.w, padT: 2 - g.padL[0],
                            padL: 2 - g.padL[1], source: result, result: source)
        func tapMajor(_ strides: [Int]) -> DNNLLayout {
            DNNLLayout(plain: DNNL.plainDesc(g.weightDims, .float32), chosen: DNNL.stridedDesc(g.weightDims, strides))
        }
        let (o, c) = (g.cout, g.cin)
        inputMajorTaps = tapMajor([1, o, 3 * c * o, c * o])
        outputMajorTaps = tapMajor([c, 1, 3 * o * c, o * c])
        tileFloats = max(forwardTiling.tiles, dataTiling.tiles) * max(c, o) * 16
        channelsLastFloats = g.n * max(g.h * g.w * c, g.outH * g.outW * o)
        filters = allocateFloats(16 * c * o)
        taps = allocateFloats(9 * c * o)
    }

    deinit {
        filters.deallocate()
        taps.deallocate()
    }

    /// `body` with `transformed`, `products` and `channelsLast` taken for it (under `lock`).
    private func withPassBuffers(_ body: () -> Void) {
        passBuffers = [tileFloats, tileFloats, channelsLastFloats].map { ScratchPool.take($0 * MemoryLayout<Float>.stride) }
        body()
        passBuffers.forEach(ScratchPool.give)
        passBuffers = []
    }

    @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) private static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// `to`: a channels-last image `from` (`h × w × c`) zero-padded to `[paddedH][paddedW][c]`,
    /// its pixel (0, 0) at (`padT`, `padL`).
    private static func spread(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, c: Int, h: Int, w: Int,
                               padT: Int, padL: Int, paddedH: Int, paddedW: Int) {
        to.update(repeating: 0, count: paddedH * paddedW * c)
        let columns = min(w, paddedW - padL)
        for y in 0..<min(h, paddedH - padT) { (to + ((y + padT) * paddedW + padL) * c).update(from: from + y * w * c, count: columns * c) }
    }

    /// `transformed[ξ][tile][c] = (Bᵀ d B)[ξ]` for every tile's 4×4 patch `d` of the NCHW input
    /// `src`, Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].
    private func transformInput(_ src: UnsafePointer<Float>, _ t: Tiling) {
        t.source.copyToChosen(src, channelsLast)
        let (c, out, tiles, from) = (t.inC, transformed, t.tiles, channelsLast), perImage = t.rows * t.columns
        parallelFor(t.n, costPerItem: 64 * perImage * c) { images in
            let padded = allocateFloats(t.paddedH * t.paddedW * c), r = UnsafeMutablePointer<V>.allocate(capacity: 16)
            defer { padded.deallocate(); r.deallocate() }
            for i in images {
                Self.spread(from + i * c * t.h * t.w, padded, c: c, h: t.h, w: t.w, padT: t.padT, padL: t.padL,
                            paddedH: t.paddedH, paddedW: t.paddedW)
                for ty in 0..<t.rows {
                    for tx in 0..<t.columns {
                        let tile = i * perImage + ty * t.columns + tx, origin = padded + (2 * ty * t.paddedW + 2 * tx) * c
                        for c0 in stride(from: 0, to: c, by: 8) {
                            for b in 0..<4 {
                                let d0 = Self.load(origin + b * c + c0), d1 = Self.load(origin + (t.paddedW + b) * c + c0)
                                let d2 = Self.load(origin + (2 * t.paddedW + b) * c + c0)
                                let d3 = Self.load(origin + (3 * t.paddedW + b) * c + c0)
                                r[b] = d0 - d2
                                r[4 + b] = d1 + d2
                                r[8 + b] = d2 - d1
                                r[12 + b] = d1 - d3
                            }
                            for a in 0..<4 {
                                let (r0, r1, r2, r3) = (r[4 * a], r[4 * a + 1], r[4 * a + 2], r[4 * a + 3])
                                let base = out + (4 * a * tiles + tile) * c + c0
                                Self.store(r0 - r2, base)
                                Self.store(r1 + r2, base + tiles * c)
                                Self.store(r2 - r1, base + 2 * tiles * c)
                                Self.store(r1 - r3, base + 3 * tiles * c)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `body(row, n0, scratch)` for each of `rows` and each eight of `columns` from `n0`, the
    /// rows split across the kernel threads; `scratch` holds twelve vectors.
    private static func forEachBlock(rows: Int, columns: Int, _ body: (Int, Int, UnsafeMutablePointer<V>) -> Void) {
        parallelFor(rows, costPerItem: 32 * columns) { range in
            let scratch = UnsafeMutablePointer<V>.allocate(capacity: 12)
            defer { scratch.deallocate() }
            for row in range { for n0 in stride(from: 0, to: columns, by: 8) { body(row, n0, scratch) } }
        }
    }

    /// `filters[ξ][k][n] = (G g Gᵀ)[ξ]` for each 3×3 filter `g` of `taps[tap][k][n]` (turned by
    /// 180° when `turned`), G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].
    private func transformFilters(k: Int, n: Int, turned: Bool) {
        let (taps, out) = (taps, filters), half = V(repeating: 0.5)
        Self.forEachBlock(rows: k, columns: n) { row, n0, h in
            func g(_ tap: Int) -> V { Self.load(taps + ((turned ? 8 - tap : tap) * k + row) * n + n0) }
            // G g: four rows of three.
            for b in 0..<3 {
                let (g0, g1, g2) = (g(b), g(3 + b), g(6 + b))
                h[b] = g0
                h[3 + b] = half * (g0 + g1 + g2)
                h[6 + b] = half * (g0 - g1 + g2)
                h[9 + b] = g2
            }
            for a in 0..<4 {
                let (h0, h1, h2) = (h[3 * a], h[3 * a + 1], h[3 * a + 2])
                let base = out + (4 * a * k + row) * n + n0
                Self.store(h0, base)
                Self.store(half * (h0 + h1 + h2), base + k * n)
                Self.store(half * (h0 - h1 + h2), base + 2 * k * n)
                Self.store(h2, base + 3 * k * n)
            }
        }
    }

    /// `products[ξ] = transformed[ξ] · filters[ξ]`: sixteen `tiles × inC` by `inC × outC` products.
    private func multiply(_ t: Tiling) {
        for xi in 0..<16 {
            _ = dnnl_sgemm(SgemmFlag.n, SgemmFlag.n, Int64(t.tiles), Int64(t.outC), Int64(t.inC), 1, transformed + xi * t.tiles * t.inC, Int64(t.inC),
                           filters + xi * t.inC * t.outC, Int64(t.outC), 0, products + xi * t.tiles * t.outC, Int64(t.outC))
        }
    }

    /// The NCHW output `dst` (plus `bias`) from `products`: each tile's `Aᵀ m A`,
    /// Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]], its pixels past the map's edge dropped.
    private func transformOutput(_ t: Tiling, _ bias: UnsafePointer<Float>?, _ dst: UnsafeMutablePointer<Float>) {
        let (c, m, tiles, to) = (t.outC, products, t.tiles, channelsLast), perImage = t.rows * t.columns, pixels = t.oh * t.ow
        parallelFor(t.n, costPerItem: 64 * perImage * c) { images in
            let s = UnsafeMutablePointer<V>.allocate(capacity: 8)
            defer { s.deallocate() }
            for i in images {
                let local = to + i * pixels * c
                for ty in 0..<t.rows {
                    for tx in 0..<t.columns {
                        let tile = i * perImage + ty * t.columns + tx
                        let (y0, x0) = (2 * ty, 2 * tx), down = y0 + 1 < t.oh, right = x0 + 1 < t.ow
                        for c0 in stride(from: 0, to: c, by: 8) {
                            func p(_ xi: Int) -> V { Self.load(m + (xi * tiles + tile) * c + c0) }
                            for b in 0..<4 {
                                let (m0, m1, m2, m3) = (p(b), p(4 + b), p(8 + b), p(12 + b))
                                s[b] = m0 + m1 + m2
                                s[4 + b] = m1 - m2 - m3
                            }
                            let b = bias.map { Self.load($0 + c0) } ?? V()
                            let at = local + (y0 * t.ow + x0) * c + c0
                            Self.store(s[0] + s[1] + s[2] + b, at)
                            if right { Self.store(s[1] - s[2] - s[3] + b, at + c) }
                            if down {
                                Self.store(s[4] + s[5] + s[6] + b, at + t.ow * c)
                                if right { Self.store(s[5] - s[6] - s[7] + b, at + (t.ow + 1) * c) }
                            }
                        }
                    }
                }
            }
        }
        t.result.copyToPlain(channelsLast, dst)
    }

    /// `products[ξ][tile][o] = (A e Aᵀ)[ξ]` for each tile's 2×2 block `e` of the NCHW output
    /// gradient (zero past the map's edge), A the transpose of the output's Aᵀ.
    private func transformGradient(_ diffDst: UnsafePointer<Float>, _ t: Tiling) {
        t.result.copyToChosen(diffDst, channelsLast)
        let (c, out, tiles, from) = (t.outC, products, t.tiles, channelsLast), perImage = t.rows * t.columns
        parallelFor(t.n, costPerItem: 64 * perImage * c) { images in
            let padded = allocateFloats(2 * t.rows * 2 * t.columns * c)
            defer { padded.deallocate() }
            for i in images {
                Self.spread(from + i * c * t.oh * t.ow, padded, c: c, h: t.oh, w: t.ow, padT: 0, padL: 0,
                            paddedH: 2 * t.rows, paddedW: 2 * t.columns)
                for ty in 0..<t.rows {
                    for tx in 0..<t.columns {
                        let tile = i * perImage + ty * t.columns + tx, origin = padded + (2 * ty * 2 * t.columns + 2 * tx) * c
                        for c0 in stride(from: 0, to: c, by: 8) {
                            let e00 = Self.load(origin + c0), e01 = Self.load(origin + c + c0)
                            let e10 = Self.load(origin + 2 * t.columns * c + c0), e11 = Self.load(origin + (2 * t.columns + 1) * c + c0)
                            // A e: four rows of two, each row then times Aᵀ.
                            func row(_ a: Int, _ q0: V, _ q1: V) {
                                let base = out + (4 * a * tiles + tile) * c + c0
                                Self.store(q0, base)
                                Self.store(q0 + q1, base + tiles * c)
                                Self.store(q0 - q1, base + 2 * tiles * c)
                                Self.store(-q1, base + 3 * tiles * c)
                            }
                            row(0, e00, e01)
                            row(1, e00 + e10, e01 + e11)
                            row(2, e00 - e10, e01 - e11)
                            row(3, -e10, -e11)
                        }
                    }
                }
            }
        }
    }

    /// `taps[tap][c][o] = (Gᵀ u G)[tap]` for each transformed filter gradient `u` in `filters`.
    private func filterGradients(k: Int, n: Int) {
        let (taps, u) = (taps, filters), half = V(repeating: 0.5)
        Self.forEachBlock(rows: k, columns: n) { row, n0, r in
            func x(_ xi: Int) -> V { Self.load(u + (xi * k + row) * n + n0) }
            // Gᵀ u: three rows of four.
            for b in 0..<4 {
                let (x0, x1, x2, x3) = (x(b), x(4 + b), x(8 + b), x(12 + b))
                r[b] = x0 + half * (x1 + x2)
                r[4 + b] = half * (x1 - x2)
                r[8 + b] = half * (x1 + x2) + x3
            }
            for a in 0..<3 {
                let (r0, r1, r2, r3) = (r[4 * a], r[4 * a + 1], r[4 * a + 2], r[4 * a + 3])
                let base = taps + (3 * a * k + row) * n + n0
                Self.store(r0 + half * (r1 + r2), base)
                Self.store(half * (r1 - r2), base + k * n)
                Self.store(half * (r1 + r2) + r3, base + 2 * k * n)
            }
        }
    }

    /// The images one pass transforms: its transformed inputs and products (16 floats per tile
    /// and channel, each) are kept to 32 MiB apiece, a larger batch split into runs of equal size
    /// (the last one smaller). The whole batch at once held 200 MB of them for VGG-11's 56 × 56 × 64
    /// layer at batch 32.
    static func imagesPerPass(_ g: ConvGeometry) -> Int {
        let tiles = max(((g.outH + 1) / 2) * ((g.outW + 1) / 2), ((g.h + 1) / 2) * ((g.w + 1) / 2))
        let perImage = tiles * max(g.cin, g.cout) * 16 * MemoryLayout<Float>.stride
        let most = max(1, (32 << 20) / max(perImage, 1)), runs = max(1, (g.n + most - 1) / most)
        return (g.n + runs - 1) / runs
    }

    /// `body(first, run)` for each run of at most `images` images, with the plan of its geometry:
    /// false (nothing done) when the batch fits one pass.
    private func inRuns(of images: Int, _ body: (_ first: Int, _ run: Winograd2x2Conv) -> Void) -> Bool {
        guard images < geometry.n else { return false }
        geometry.forEachRun(of: images) { first, run in body(first, Self.plan(run)) }
        return true
    }

    private var srcImage: Int { geometry.cin * geometry.h * geometry.w }
    private var dstImage: Int { geometry.cout * geometry.outH * geometry.outW }

    func forward(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                 _ dst: UnsafeMutablePointer<Float>) {
        forward(src, weights, bias, dst, imagesPerPass: Self.imagesPerPass(geometry))
    }

    /// `conv(src, weights) + bias` from and to plain NCHW buffers, `imagesPerPass` images at a time.
    func forward(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                 _ dst: UnsafeMutablePointer<Float>, imagesPerPass images: Int) {
        let (srcImage, dstImage) = (srcImage, dstImage)
        if inRuns(of: images, { first, run in run.forward(src + first * srcImage, weights, bias, dst + first * dstImage) }) { return }
        lock.lock(); defer { lock.unlock() }
        withPassBuffers { convolve(src, weights, inputMajorTaps, forwardTiling, turned: false, bias, dst) }
    }

    func backwardData(_ diffDst: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ diffSrc: UnsafeMutablePointer<Float>,
                      token _: Int?) {
        backwardData(diffDst, weights, diffSrc, imagesPerPass: Self.imagesPerPass(geometry))
    }

    /// The input gradient from `diffDst` and the weights, plain NCHW buffers, `imagesPerPass`
    /// images at a time (each pass transforms the output gradient itself, so the protocol's
    /// `token` goes unused).
    func backwardData(_ diffDst: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ diffSrc: UnsafeMutablePointer<Float>,
                      imagesPerPass images: Int) {
        let (srcImage, dstImage) = (srcImage, dstImage)
        if inRuns(of: images, { first, run in run.backwardData(diffDst + first * dstImage, weights, diffSrc + first * srcImage, token: nil) }) {
            return
        }
        lock.lock(); defer { lock.unlock() }
        withPassBuffers { convolve(diffDst, weights, outputMajorTaps, dataTiling, turned: true, nil, diffSrc) }
    }

    /// One tiled convolution of `src` by `weights` (plain `[cout][cin][3][3]`, taken through
    /// `taps` into tap-major matrices `t.inC × t.outC`, turned by 180° when `turned`).
    private func convolve(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ layout: DNNLLayout, _ t: Tiling, turned: Bool,
                          _ bias: UnsafePointer<Float>?, _ dst: UnsafeMutablePointer<Float>) {
        layout.toChosen(UnsafeMutableRawPointer(mutating: weights), taps, ThreadState.current.dnnlStream)
        transformFilters(k: t.inC, n: t.outC, turned: turned)
        transformInput(src, t)
        multiply(t)
        transformOutput(t, bias, dst)
    }

    func backwardWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>, _ diffWeights: UnsafeMutablePointer<Float>,
                         _ diffBias: UnsafeMutablePointer<Float>?, token _: Int?) {
        backwardWeights(src, diffDst, diffWeights, diffBias, imagesPerPass: Self.imagesPerPass(geometry))
    }

    /// The weight gradient (and the bias gradient when `diffBias` is given) from the input and
    /// `diffDst`, plain NCHW buffers, `imagesPerPass` images at a time: runs after the first add
    /// their gradients to the first's (`token` unused, as for `backwardData`).
    func backwardWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>, _ diffWeights: UnsafeMutablePointer<Float>,
                         _ diffBias: UnsafeMutablePointer<Float>?, imagesPerPass images: Int) {
        let (srcImage, dstImage, cout) = (srcImage, dstImage, geometry.cout), weightCount = cout * geometry.cin * 9
        let split = inRuns(of: images) { first, run in
            guard first > 0 else { return run.backwardWeights(src, diffDst, diffWeights, diffBias, token: nil) }
            let w = allocateFloats(weightCount), b = allocateFloats(cout)
            defer { w.deallocate(); b.deallocate() }
            run.backwardWeights(src + first * srcImage, diffDst + first * dstImage, w, diffBias == nil ? nil : b, token: nil)
            for i in 0..<weightCount { diffWeights[i] += w[i] }
            if let diffBias { for i in 0..<cout { diffBias[i] += b[i] } }
        }
        if split { return }
        wholeBatchWeights(src, diffDst, diffWeights, diffBias)
    }

    /// `backwardWeights` over the whole batch in one pass.
    private func wholeBatchWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>, _ diffWeights: UnsafeMutablePointer<Float>,
                                   _ diffBias: UnsafeMutablePointer<Float>?) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry, t = forwardTiling
        withPassBuffers {
            transformInput(src, t)
            transformGradient(diffDst, t)
            for xi in 0..<16 {
                _ = dnnl_sgemm(SgemmFlag.t, SgemmFlag.n, Int64(g.cin), Int64(g.cout), Int64(t.tiles), 1, transformed + xi * t.tiles * g.cin,
                               Int64(g.cin), products + xi * t.tiles * g.cout, Int64(g.cout), 0, filters + xi * g.cin * g.cout, Int64(g.cout))
            }
        }
        filterGradients(k: g.cin, n: g.cout)
        inputMajorTaps.toPlain(taps, diffWeights, ThreadState.current.dnnlStream)
        if let diffBias { channelSums(diffDst, n: g.n, channels: g.cout, pixels: g.outH * g.outW, diffBias) }
    }
}
