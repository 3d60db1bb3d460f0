import Testing
@testable import Ember

/// One convolution configuration: shapes and arguments.
struct ConvCase: Sendable, CustomTestStringConvertible {
    let n, cin, h, w, cout, k: Int
    var stride = 1, padding = 0, dilation = 1, groups = 1
    var testDescription: String { "\(n)x\(cin)x\(h)x\(w) -> \(cout) k\(k) s\(stride) p\(padding) d\(dilation) g\(groups)" }
}

@Suite struct ConvolutionTests {
    static let cases: [ConvCase] = [
        ConvCase(n: 2, cin: 3, h: 7, w: 9, cout: 4, k: 3),
        ConvCase(n: 1, cin: 2, h: 8, w: 8, cout: 6, k: 3, stride: 2, padding: 1),
        ConvCase(n: 2, cin: 4, h: 9, w: 7, cout: 6, k: 3, padding: 2, dilation: 2, groups: 2),
        ConvCase(n: 3, cin: 1, h: 12, w: 12, cout: 5, k: 5),
        ConvCase(n: 2, cin: 8, h: 6, w: 6, cout: 8, k: 3, padding: 1, groups: 8),
        ConvCase(n: 1, cin: 3, h: 11, w: 10, cout: 2, k: 4, stride: 3, padding: 1),
        // Large enough for the Winograd path.
        ConvCase(n: 1, cin: 32, h: 8, w: 8, cout: 32, k: 3, padding: 1),
        // Few input channels (FewChannelConv): rows longer than a vector with a ragged tail,
        // padding wider than the kernel, strides and dilation that skip input rows and columns.
        ConvCase(n: 3, cin: 1, h: 9, w: 21, cout: 6, k: 5),
        ConvCase(n: 2, cin: 1, h: 15, w: 13, cout: 4, k: 7, stride: 2, padding: 3),
        ConvCase(n: 2, cin: 3, h: 10, w: 19, cout: 16, k: 3, stride: 2, padding: 2, dilation: 2),
        ConvCase(n: 1, cin: 2, h: 5, w: 6, cout: 3, k: 3, padding: 4),
        ConvCase(n: 2, cin: 1, h: 23, w: 23, cout: 5, k: 11, stride: 4),
        // Few input channels but more outputs than FewChannelConv takes: oneDNN.
        ConvCase(n: 2, cin: 3, h: 8, w: 9, cout: 17, k: 3, padding: 1),
        // Fewer than sixteen input channels: channels-last backward passes (LeNet's conv2, and one
        // with stride, padding and dilation).
        ConvCase(n: 3, cin: 6, h: 14, w: 14, cout: 16, k: 5),
        ConvCase(n: 2, cin: 12, h: 11, w: 9, cout: 24, k: 3, stride: 2, padding: 2, dilation: 2),
        // 5×5 as one stacked 3×3 Winograd convolution (SplitKernelConv): AlexNet's padding 2,
        // none, and padding wider than a block's offset.
        ConvCase(n: 6, cin: 32, h: 10, w: 9, cout: 32, k: 5, padding: 2),  // runs of 4 and 2 images
        ConvCase(n: 1, cin: 33, h: 12, w: 13, cout: 40, k: 5),
        ConvCase(n: 2, cin: 32, h: 7, w: 8, cout: 35, k: 5, padding: 4),
        // Small maps as products over pixel-major copies (SmallMapConv): ResNet-18's last stage
        // (3×3, padding 1: the centre column's taps one product each, the others one per row), a
        // non-square map without padding, padding 2, where corner pixels meet a single input
        // pixel, and a single pixel (whose pixel-major copy is the NCHW tensor itself).
        ConvCase(n: 3, cin: 64, h: 3, w: 3, cout: 64, k: 3, padding: 1),
        ConvCase(n: 2, cin: 65, h: 4, w: 6, cout: 70, k: 3),
        ConvCase(n: 2, cin: 64, h: 1, w: 2, cout: 66, k: 3, padding: 2),
        ConvCase(n: 2, cin: 64, h: 1, w: 1, cout: 64, k: 3, padding: 1),
        // Winograd F(2×2, 3×3) on 17-36-pixel maps (Winograd2x2Conv): ResNet-18's stage 3 (6×6,
        // padding 1), odd sides whose last tiles hang past the edge, padding 2, and no padding.
        ConvCase(n: 2, cin: 64, h: 6, w: 6, cout: 72, k: 3, padding: 1),
        ConvCase(n: 3, cin: 80, h: 5, w: 7, cout: 64, k: 3, padding: 1),
        ConvCase(n: 1, cin: 64, h: 3, w: 4, cout: 64, k: 3, padding: 2),
        ConvCase(n: 2, cin: 72, h: 7, w: 9, cout: 64, k: 3),
        // A larger map (AlexNet's conv3 is 13×13): Winograd2x2Conv where oneDNN has no Winograd
        // kernel (AVX2), oneDNN's `auto` where it has.
        ConvCase(n: 2, cin: 64, h: 11, w: 13, cout: 64, k: 3, padding: 1),
    ]

    /// The 5×5 (where oneDNN has Winograd), small-map and Winograd cases above (the larger map too
    /// where oneDNN has no Winograd) take `SplitKernelConv`, `SmallMapConv` and
    /// `Winograd2x2Conv` in all three passes; strided, dilated, grouped or narrow ones do not; the
    /// few-channel layers take `FewChannelConv` except for their input gradient; float64 the
    /// reference loops.
    @Test func theChooserGivesEachLayerItsKernel() {
        func geometry(_ c: ConvCase, dtype: DType = .float32) -> ConvGeometry {
            ConvGeometry(n: c.n, cin: c.cin, h: c.h, w: c.w, cout: c.cout, kh: c.k, kw: c.k, stride: [c.stride, c.stride],
                         padL: [c.padding, c.padding], padR: [c.padding, c.padding], dilation: [c.dilation, c.dilation],
                         groups: c.groups, dtype: dtype)
        }
        func count(_ algorithm: ConvAlgorithm) -> Int {
            Self.cases.filter { c in ConvPass.allCases.allSatisfy { geometry(c).algorithm(for: $0) == algorithm } }.count
        }
        // Where oneDNN has no Winograd kernel (AVX2-only processors), 5×5 stays on its direct one.
        #expect(count(.fiveByFive) == (ConvGeometry.oneDNNHasWinograd ? 3 : 0))
        #expect(count(.smallMap) == 4)
        #expect(count(.winograd2x2) == (ConvGeometry.oneDNNHasWinograd ? 4 : 5))
        #expect(geometry(ConvCase(n: 1, cin: 64, h: 6, w: 6, cout: 66, k: 3, padding: 1)).algorithm(for: .forward) == .oneDNNAuto)
        #expect(geometry(ConvCase(n: 3, cin: 6, h: 14, w: 14, cout: 16, k: 5)).algorithm(for: .forward) == .oneDNNDirect)
        #expect(geometry(ConvCase(n: 1, cin: 32, h: 20, w: 20, cout: 32, k: 5, stride: 2)).algorithm(for: .forward) == .oneDNNDirect)
        let lenetConv1 = geometry(ConvCase(n: 2, cin: 1, h: 28, w: 28, cout: 6, k: 5, padding: 2))
        #expect(lenetConv1.algorithm(for: .forward) == .fewChannel && lenetConv1.algorithm(for: .weightGradient) == .fewChannel)
        #expect(lenetConv1.algorithm(for: .inputGradient) == .oneDNNDirect)
        #expect(ConvPass.allCases.allSatisfy { geometry(Self.cases[0], dtype: .float64).algorithm(for: $0) == .reference })
    }

    /// The float32 paths (oneDNN, or FewChannelConv for few input channels) agree with the direct
    /// float64 path: forward and both gradients.
    @Test(arguments: cases)
    func fastPathsMatchDirectReference(c: ConvCase) {
        let gen = Generator(seed: 7)
        let x = Tensor.randn([c.n, c.cin, c.h, c.w], generator: gen)
        let w = Tensor.randn([c.cout, c.cin / c.groups, c.k, c.k], generator: gen)
        let b = Tensor.randn([c.cout], generator: gen)
        func run(_ dtype: DType) -> [Tensor] {
            let xi = x.to(dtype).detach().requiresGrad_(), wi = w.to(dtype).detach().requiresGrad_()
            let bi = b.to(dtype).detach().requiresGrad_()
            let y = F.conv2d(xi, wi, bi, stride: [c.stride], padding: .explicit([c.padding]), dilation: [c.dilation], groups: c.groups)
            let upstream = Tensor.randn(y.shape, dtype: .float64, generator: Generator(seed: 3)).to(dtype)
            (y * upstream).sum().backward()
            return [y, xi.grad!, wi.grad!, bi.grad!]
        }
        let fast = run(.float32), reference = run(.float64)
        for (f, r) in zip(fast, reference) {
            #expect(f.shape == r.shape)
            // Winograd's transforms round at the scale of the largest values, not of each one.
            #expect(f.double().allclose(r, rtol: 1e-4, atol: Swift.max(1e-4, 1e-5 * r.abs().max().item())))
        }
    }

    /// GoogLeNet's 64 → 192 layer at 24×24 runs its input gradient in runs of images (oneDNN's
    /// Winograd scratchpad would pass 64 MiB for all 64), giving what one run over the batch gives.
    /// Only where oneDNN has a Winograd kernel: elsewhere the layer runs on `Winograd2x2Conv`.
    @Test(.enabled(if: ConvGeometry.oneDNNHasWinograd))
    func inputGradientInRunsOfImagesMatchesOneRun() {
        let g = ConvGeometry(n: 64, cin: 64, h: 24, w: 24, cout: 192, kh: 3, kw: 3, stride: [1, 1], padL: [1, 1], padR: [1, 1],
                             dilation: [1, 1], groups: 1, dtype: .float32)
        #expect(g.inputGradientImages < g.n)
        manualSeed(3)
        let gOut = Tensor.randn(g.dstDims), w = Tensor.randn(g.weightDims) * 0.05
        let inRuns = Conv.data(gOut, w, g)
        let whole = Tensor(uninitializedShape: g.srcDims, dtype: .float32)
        ConvPlan.plan(g).runBackwardData(diffDst: gOut.pointer, weights: w.pointer, diffSrc: whole.pointer)
        #expect((inRuns - whole).abs().max().item() <= 1e-4 * Swift.max(1, whole.abs().max().item()))
    }

    /// `Winograd2x2Conv` in runs of images (a batch whose transformed tiles would pass 32 MiB:
    /// VGG-11's 56 × 56 × 64 layer at batch 32 runs in four) gives what one pass over the batch
    /// gives (up to the products' rounding), weight and bias gradients summed over the runs.
    @Test func winogradInRunsOfImagesMatchesOnePass() {
        let g = ConvGeometry(n: 5, cin: 8, h: 7, w: 9, cout: 16, kh: 3, kw: 3, stride: [1, 1], padL: [1, 1], padR: [1, 1],
                             dilation: [1, 1], groups: 1, dtype: .float32)
        let vgg = ConvGeometry(n: 32, cin: 64, h: 56, w: 56, cout: 64, kh: 3, kw: 3, stride: [1, 1], padL: [1, 1], padR: [1, 1],
                               dilation: [1, 1], groups: 1, dtype: .float32)
        #expect(Winograd2x2Conv.imagesPerPass(vgg) == 8)
        #expect(Winograd2x2Conv.imagesPerPass(g) == 5)
        manualSeed(4)
        let x = Tensor.randn(g.srcDims), w = Tensor.randn(g.weightDims) * 0.05, b = Tensor.randn([g.cout])
        let gOut = Tensor.randn(g.dstDims)
        let plan = Winograd2x2Conv.plan(g)
        func passes(_ images: Int) -> [Tensor] {
            let y = Tensor(uninitializedShape: g.dstDims, dtype: .float32), gx = Tensor(uninitializedShape: g.srcDims, dtype: .float32)
            let gw = Tensor(uninitializedShape: g.weightDims, dtype: .float32), gb = Tensor(uninitializedShape: [g.cout], dtype: .float32)
            plan.forward(x.pointer(as: Float.self), w.pointer(as: Float.self), b.pointer(as: Float.self), y.pointer(as: Float.self),
                         imagesPerPass: images)
            plan.backwardData(gOut.pointer(as: Float.self), w.pointer(as: Float.self), gx.pointer(as: Float.self), imagesPerPass: images)
            plan.backwardWeights(x.pointer(as: Float.self), gOut.pointer(as: Float.self), gw.pointer(as: Float.self),
                                 gb.pointer(as: Float.self), imagesPerPass: images)
            return [y, gx, gw, gb]
        }
        let whole = passes(5), inRuns = passes(2)
        for (a, b) in zip(inRuns, whole) { #expect(a.allclose(b, rtol: 1e-4, atol: 1e-4)) }
    }

    @Test func gradcheckConv2dAllArguments() {
        let gen = Generator(seed: 1)
        let x = Tensor.randn([2, 4, 5, 6], dtype: .float64, generator: gen).requiresGrad_()
        let w = Tensor.randn([4, 2, 3, 2], dtype: .float64, generator: gen).requiresGrad_()
        let b = Tensor.randn([4], dtype: .float64, generator: gen).requiresGrad_()
        #expect(gradcheck({ F.conv2d($0[0], $0[1], $0[2], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2) }, [x, w, b]))
    }

    @Test func doubleBackwardThroughConv() {
        let gen = Generator(seed: 2)
        let x = Tensor.randn([1, 2, 5, 5], dtype: .float64, generator: gen).requiresGrad_()
        let w = Tensor.randn([3, 2, 3, 3], dtype: .float64, generator: gen).requiresGrad_()
        // gradcheck evaluates perturbed inputs under noGrad; the inner gradient needs a graph.
        #expect(gradcheck({ inputs in
            enableGrad {
                let y = F.conv2d(inputs[0], inputs[1], padding: 1)
                let g = autograd.grad(outputs: [(y * y).sum()], inputs: [inputs[0], inputs[1]], createGraph: true)
                return g[0]!.sum() + (g[1]! * g[1]!).sum()
            }
        }, [x, w]))
    }

    @Test func samePaddingKeepsSize() {
        let x = Tensor.randn([1, 2, 7, 8])
        #expect(F.conv2d(x, Tensor.randn([3, 2, 4, 3]), padding: .same).shape == [1, 3, 7, 8])
        #expect(F.conv2d(x, Tensor.randn([3, 2, 3, 3]), padding: .same, dilation: [2]).shape == [1, 3, 7, 8])
        #expect(F.conv2d(x, Tensor.randn([3, 2, 3, 3]), padding: .valid).shape == [1, 3, 5, 6])
        #expect(F.conv2d(x[0], Tensor.randn([3, 2, 3, 3])).shape == [3, 5, 6])
    }

    @Test func conv1dAndTranspose() {
        let gen = Generator(seed: 4)
        let x = Tensor.randn([2, 3, 10], dtype: .float64, generator: gen).requiresGrad_()
        let w = Tensor.randn([4, 3, 3], dtype: .float64, generator: gen).requiresGrad_()
        #expect(F.conv1d(x, w, stride: 2, padding: 1).shape == [2, 4, 5])
        #expect(gradcheck({ F.conv1d($0[0], $0[1], stride: 2, padding: 1, dilation: 2) }, [x, w]))
        let xt = Tensor.randn([1, 4, 3, 4], dtype: .float64, generator: gen).requiresGrad_()
        let wt = Tensor.randn([4, 3, 3, 3], dtype: .float64, generator: gen).requiresGrad_()
        let bt = Tensor.randn([6], dtype: .float64, generator: gen).requiresGrad_()
        let y = F.convTranspose2d(xt, wt, bt, stride: [2], padding: [1], outputPadding: [1], groups: 2)
        #expect(y.shape == [1, 6, 6, 8])
        #expect(gradcheck({ F.convTranspose2d($0[0], $0[1], $0[2], stride: [2], padding: [1], outputPadding: [1], groups: 2) },
                          [xt, wt, bt]))
        // The float32 oneDNN path agrees with the float64 one.
        let y32 = F.convTranspose2d(xt.detach().float(), wt.detach().float(), bt.detach().float(), stride: [2], padding: [1],
                                    outputPadding: [1], groups: 2)
        #expect(y32.double().allclose(y.detach(), rtol: 1e-4, atol: 1e-4))
    }
}
