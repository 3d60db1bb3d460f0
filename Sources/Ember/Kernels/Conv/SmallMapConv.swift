import CDNNL
import Foundation

/// Float32 stride-1 3×3 convolutions over small feature maps (ResNet-18's last stage: 3×3 maps,
/// 512 channels) as matrix products, all three passes, on pixel-major copies of the activations
/// (`[pixel][image][channel]`). In that layout the rows of one output pixel's batch are
/// contiguous, and so are those of a run of neighbouring pixels: each tap is one product per
/// output row that it reaches (one for the whole map when it does not shift sideways),
/// `Y[p…] += X[q…] · W_tap`, of 128–576 rows by 512 × 512. No im2col, and none of the padding's
/// zero products, which on a 3×3 map are 40% of a direct kernel's work. The layout changes are
/// oneDNN reorders (the weights' 9.4 MB in 0.7–1 ms, where loops in Swift took 2–4 ms).
/// On that layer (C harnesses over the same calls): the forward's products 6–9 ms against
/// oneDNN 2.6's direct kernel's 12–14 ms, the weight gradient's 6–7 ms against its 21 ms; with
/// the right-hand matrices input-major (`W_tap` as `[cin][cout]`, not transposed in the call)
/// 15–25% faster than transposed.
final class SmallMapConv: OwnConvKernel, @unchecked Sendable {
    let geometry: ConvGeometry
    private let lock = NSLock()
    /// One product's rows: the tap, the first output and input pixel, and how many pixels.
    private struct Run { var tap, output, input, pixels: Int }
    private let runs: [Run]
    /// NCHW ↔ pixel-major, for the input and the output (and their gradients).
    private let inputLayout, outputLayout: DNNLLayout
    /// `[cout][cin][kh][kw]` ↔ tap-major: `[kh][kw][cin][cout]` for the forward,
    /// `[kh][kw][cout][cin]` for the input gradient and the weight gradient.
    private let forwardTaps, backwardTaps: DNNLLayout
    /// Pixel-major buffers for the input and the output (or their gradients), and the taps.
    private let input, output, taps: UnsafeMutablePointer<Float>
    /// The output gradient now in `output`, when a backward pass put it there: the other
    /// backward pass of the same step (same token) reuses it.
    private var gradientToken: Int?

    private static let cache = PlanCache<ConvGeometry, SmallMapConv>(SmallMapConv.init)

    /// The cached kernel for `geometry` (one `algorithm(for:)` gives `.smallMap`).
    static func plan(_ geometry: ConvGeometry) -> SmallMapConv { cache.plan(geometry) }

    private init(_ g: ConvGeometry) {
        geometry = g
        func pixelMajor(_ dims: [Int]) -> DNNLLayout {
            let (n, c, w) = (dims[0], dims[1], dims[3])
            return DNNLLayout(plain: DNNL.plainDesc(dims, .float32), chosen: DNNL.stridedDesc(dims, [c, 1, w * n * c, n * c]))
        }
        func tapMajor(inputMajor: Bool) -> DNNLLayout {
            let dims = g.weightDims, (o, c) = (g.cout, g.cin)
            let strides = inputMajor ? [1, o, g.kw * c * o, c * o] : [c, 1, g.kw * o * c, o * c]
            return DNNLLayout(plain: DNNL.plainDesc(dims, .float32), chosen: DNNL.stridedDesc(dims, strides))
        }
        inputLayout = pixelMajor(g.srcDims)
        outputLayout = pixelMajor(g.dstDims)
        forwardTaps = tapMajor(inputMajor: true)
        backwardTaps = tapMajor(inputMajor: false)
        input = allocateFloats(g.n * g.h * g.w * g.cin)
        output = allocateFloats(g.n * g.outH * g.outW * g.cout)
        taps = allocateFloats(g.kh * g.kw * g.cin * g.cout)
        var runs: [Run] = []
        for ky in 0..<g.kh {
            for kx in 0..<g.kw {
                let (dy, dx) = (ky - g.padL[0], kx - g.padL[1])
                let ys = max(0, -dy)..<min(g.outH, g.h - dy), xs = max(0, -dx)..<min(g.outW, g.w - dx)
                guard !ys.isEmpty && !xs.isEmpty else { continue }
                let tap = ky * g.kw + kx
                if xs.count == g.outW && xs.count == g.w {
                    runs.append(Run(tap: tap, output: ys.lowerBound * g.outW, input: (ys.lowerBound + dy) * g.w, pixels: ys.count * g.w))
                } else {
                    for y in ys {
                        runs.append(Run(tap: tap, output: y * g.outW + xs.lowerBound, input: (y + dy) * g.w + xs.lowerBound + dx,
                                        pixels: xs.count))
                    }
                }
            }
        }
        self.runs = runs
    }

    deinit {
        input.deallocate()
        output.deallocate()
        taps.deallocate()
    }

    /// The output gradient in `output`, unless the other backward pass of this step (`token`)
    /// already put it there.
    private func loadGradient(_ diffDst: UnsafePointer<Float>, token: Int?) {
        if token == nil || token != gradientToken { outputLayout.copyToChosen(diffDst, output) }
        gradientToken = token
    }

    /// `conv(src, weights) + bias` from and to plain NCHW buffers.
    func forward(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                 _ dst: UnsafeMutablePointer<Float>) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry, rows = g.n * g.outH * g.outW
        gradientToken = nil
        inputLayout.copyToChosen(src, input)
        forwardTaps.copyToChosen(weights, taps)
        for r in 0..<rows { (output + r * g.cout).update(from: bias, count: g.cout) }
        for run in runs {
            _ = dnnl_sgemm(SgemmFlag.n, SgemmFlag.n, Int64(run.pixels * g.n), Int64(g.cout), Int64(g.cin), 1, input + run.input * g.n * g.cin, Int64(g.cin),
                           taps + run.tap * g.cin * g.cout, Int64(g.cout), 1, output + run.output * g.n * g.cout, Int64(g.cout))
        }
        outputLayout.copyToPlain(output, dst)
    }

    /// The input gradient from `diffDst` and the weights, plain NCHW buffers. `token` identifies
    /// the output gradient across the two backward passes of one step.
    func backwardData(_ diffDst: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ diffSrc: UnsafeMutablePointer<Float>,
                      token: Int?) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry, count = g.n * g.h * g.w * g.cin
        loadGradient(diffDst, token: token)
        backwardTaps.copyToChosen(weights, taps)
        input.update(repeating: 0, count: count)
        for run in runs {
            _ = dnnl_sgemm(SgemmFlag.n, SgemmFlag.n, Int64(run.pixels * g.n), Int64(g.cin), Int64(g.cout), 1, output + run.output * g.n * g.cout,
                           Int64(g.cout), taps + run.tap * g.cout * g.cin, Int64(g.cin), 1, input + run.input * g.n * g.cin, Int64(g.cin))
        }
        inputLayout.copyToPlain(input, diffSrc)
    }

    /// The weight gradient (and the bias gradient when `diffBias` is given) from the input and
    /// `diffDst`, plain NCHW buffers; `token` as for `backwardData`.
    func backwardWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>, _ diffWeights: UnsafeMutablePointer<Float>,
                         _ diffBias: UnsafeMutablePointer<Float>?, token: Int?) {
        lock.lock(); defer { lock.unlock() }
        let g = geometry, k = g.kh * g.kw, pixels = g.outH * g.outW
        inputLayout.copyToChosen(src, input)
        loadGradient(diffDst, token: token)
        var written = [Bool](repeating: false, count: k)
        for run in runs {
            _ = dnnl_sgemm(SgemmFlag.t, SgemmFlag.n, Int64(g.cout), Int64(g.cin), Int64(run.pixels * g.n), 1, output + run.output * g.n * g.cout,
                           Int64(g.cout), input + run.input * g.n * g.cin, Int64(g.cin), written[run.tap] ? 1 : 0,
                           taps + run.tap * g.cout * g.cin, Int64(g.cin))
            written[run.tap] = true
        }
        for t in 0..<k where !written[t] { (taps + t * g.cout * g.cin).update(repeating: 0, count: g.cout * g.cin) }
        backwardTaps.copyToPlain(taps, diffWeights)
        if let diffBias { channelSums(diffDst, n: g.n, channels: g.cout, pixels: pixels, diffBias) }
    }
}
