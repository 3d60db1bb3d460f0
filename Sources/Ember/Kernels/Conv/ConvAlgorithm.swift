import CDNNL

/// One of the three passes of a convolution.
enum ConvPass: CaseIterable {
    case forward, inputGradient, weightGradient
}

/// The code that runs one pass of a convolution.
enum ConvAlgorithm: Equatable {
    /// The float64 loops of `DirectConv` (also the reference the tests hold the others to).
    case reference
    /// oneDNN's primitive, direct algorithm.
    case oneDNNDirect
    /// oneDNN's primitive, `auto` algorithm: its own Winograd F(4×4, 3×3) where it has one.
    case oneDNNAuto
    /// oneDNN's Winograd primitive whatever the shape (the stacked convolution of `.fiveByFive`).
    case oneDNNWinograd
    /// `FewChannelConv`: rows spread into shifted copies, vectorized over output columns.
    case fewChannel
    /// `SplitKernelConv`: a 5×5 convolution as one 3×3 `.oneDNNWinograd` over four shifted copies.
    case fiveByFive
    /// `SmallMapConv`: matrix products over pixel-major copies, no padding products.
    case smallMap
    /// `Winograd2x2Conv`: Ember's Winograd F(2×2, 3×3) with sgemm products.
    case winograd2x2
}

extension ConvGeometry {
    /// The algorithm for `pass` of this convolution: the one place a convolution's kernel is
    /// chosen. Every threshold is where the choice measured faster, here, against the others
    /// (BENCHMARKS.md's layer tables; C harnesses over the same calls where noted).
    func algorithm(for pass: ConvPass) -> ConvAlgorithm {
        guard dtype == .float32 else { return .reference }
        if forceOneDNNWinograd { return .oneDNNWinograd }
        let unitSteps = stride == [1, 1] && dilation == [1, 1] && groups == 1
        let pixels = outH * outW

        // A first layer on gray or RGB images (≤ 3 channels in, ≤ 16 out: LeNet's and BN-LeNet's
        // 1 → 6). oneDNN's blocked layouts pad the channels to sixteen and its weight gradient on
        // NCHW is an im2col and a small gemm per image (7.9 ms of LeNet's 17 ms step). Wider first
        // layers (ResNet's stem 1 → 64, AlexNet's 1 → 96) measured faster on oneDNN. The input
        // gradient of such a layer is rarely wanted (its input is the data) and has no kernel of
        // its own: oneDNN's direct one.
        if groups == 1 && cin <= 3 && cout <= 16 {
            return pass == .inputGradient ? .oneDNNDirect : .fewChannel
        }

        // 5×5 with ≥ 32 channels and ≥ 8×8 outputs (AlexNet's conv2, 96 → 256 at 26×26): oneDNN
        // 2.6 has Winograd only for 3×3, and its F(4×4, 3×3) on the four stacked copies measured
        // 1.4–2.4× faster than its direct 5×5 kernel in each pass, despite 36 taps for 25.
        // Only where oneDNN has that Winograd kernel (AVX-512; not on AVX2-only processors).
        if unitSteps && kh == 5 && kw == 5 && Self.oneDNNHasWinograd && cin >= 32 && cout >= 32 && outH >= 8 && outW >= 8 {
            return .fiveByFive
        }

        if unitSteps && kh == 3 && kw == 3 && cin >= 64 && cout >= 64 && pixels > 0 {
            // ≤ 16 output pixels (ResNet-18's stage 4, 3×3 maps × 512): products over pixel-major
            // copies skip the padding's zero products (40% of a direct kernel's on 3×3 maps);
            // forward 6–9 against oneDNN's 12–14 ms, weight gradient 6–7 against 21 ms. On 6×6
            // maps the same products lose to Winograd.
            if pixels <= 16 { return .smallMap }
            // 17–36 output pixels (stage 3, 6×6 × 256) with channels in multiples of 8 and padding
            // ≤ 2: F(2×2, 3×3) tiles a 6×6 map exactly where oneDNN's F(4×4) covers it with 8×8;
            // forward 8.8 ms against oneDNN's 9.2 + 2–3 ms of reorders (PyTorch 11–12 ms). Larger
            // maps too where oneDNN has no Winograd kernel (AVX2 processors), against its direct
            // one (AlexNet's conv3, ResNet-18's stages 1–3, GoogLeNet's 3×3 branches).
            if (pixels <= 36 || !Self.oneDNNHasWinograd) && cin % 8 == 0 && cout % 8 == 0
                && (padL + padR).allSatisfy({ $0 <= 2 }) {
                return .winograd2x2
            }
        }

        // 3×3 with ≥ 32 channels on ≥ 6×6 inputs: oneDNN's `auto` picks its Winograd, measured
        // 1.5–2.8× faster than direct here; elsewhere (5×5 filters, 3×3-pixel maps) `auto` picked
        // slower kernels than direct.
        if unitSteps && kh == 3 && kw == 3 && cin >= 32 && cout >= 32 && h >= 6 && w >= 6 {
            return .oneDNNAuto
        }
        return .oneDNNDirect
    }

    /// Images per run of the input gradient: all of them, except where oneDNN's Winograd runs it
    /// and its scratchpad, which holds every image's transformed 6×6 tiles of input and output
    /// channels, would pass 64 MiB (89 MiB for GoogLeNet's 64 → 192 at 24×24, batch 64, at the
    /// peak of its step); ResNet-18's layers stay whole, and keep the reorder their two backward
    /// passes share.
    var inputGradientImages: Int {
        let pass = algorithm(for: .inputGradient)
        guard pass == .oneDNNAuto || pass == .oneDNNWinograd else { return n }
        let tiles = ((h + 3) / 4) * ((w + 3) / 4), perImage = tiles * 36 * (cin + cout) * 4
        return Swift.max(1, Swift.min(n, (64 << 20) / Swift.max(perImage, 1)))
    }

    /// Whether oneDNN has a Winograd convolution on this processor: it has only an AVX-512 one, and
    /// refuses the algorithm (`unimplemented`) elsewhere. Asked once, of a small 3×3 convolution.
    static let oneDNNHasWinograd: Bool = {
        let g = ConvGeometry(n: 1, cin: 16, h: 8, w: 8, cout: 16, kh: 3, kw: 3, stride: [1, 1], padL: [1, 1],
                             padR: [1, 1], dilation: [1, 1], groups: 1, dtype: .float32)
        var src = DNNL.anyDesc(g.srcDims, .float32), wei = DNNL.anyDesc(g.weightDims, .float32)
        var bias = DNNL.plainDesc([g.cout], .float32), dst = DNNL.anyDesc(g.dstDims, .float32)
        var desc = dnnl_convolution_desc_t()
        var s: [Int64] = [1, 1], d: [Int64] = [0, 0], pad: [Int64] = [1, 1]
        guard dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_winograd,
                                                         &src, &wei, &bias, &dst, &s, &d, &pad, &pad) == dnnl_success
        else { return false }
        var pd: dnnl_primitive_desc_t?
        let status = withUnsafePointer(to: &desc) { dnnl_primitive_desc_create(&pd, UnsafeRawPointer($0), nil, DNNL.engine, nil) }
        if let pd { dnnl_primitive_desc_destroy(pd) }
        return status == dnnl_success
    }()

    /// The algorithm oneDNN's primitives of this geometry are created with: all three passes share
    /// one plan, built from the forward's description.
    var oneDNNAlgorithm: dnnl_alg_kind_t {
        switch algorithm(for: .forward) {
        case .oneDNNAuto: dnnl_convolution_auto
        case .oneDNNWinograd: dnnl_convolution_winograd
        default: dnnl_convolution_direct
        }
    }

    /// The cached kernel of Ember's own for `algorithm`, nil for the others.
    func ownKernel(_ algorithm: ConvAlgorithm) -> (any OwnConvKernel)? {
        switch algorithm {
        case .fiveByFive: SplitKernelConv.plan(self)
        case .smallMap: SmallMapConv.plan(self)
        case .winograd2x2: Winograd2x2Conv.plan(self)
        default: nil
        }
    }
}
