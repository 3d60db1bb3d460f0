import CDNNL

/// Everything that identifies one 2-D convolution: shapes, strides, paddings, groups, dtype.
struct ConvGeometry: Hashable {
    var n, cin, h, w, cout, kh, kw: Int
    var stride: [Int], padL: [Int], padR: [Int], dilation: [Int]
    var groups: Int
    var dtype: DType
    /// oneDNN's Winograd primitive whatever the shape (the stacked 3×3 convolution that
    /// `SplitKernelConv` runs); see `algorithm(for:)`.
    var forceOneDNNWinograd = false

    var outH: Int { (h + padL[0] + padR[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1 }
    var outW: Int { (w + padL[1] + padR[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1 }
    var srcDims: [Int] { [n, cin, h, w] }
    var dstDims: [Int] { [n, cout, outH, outW] }
    /// Weights as oneDNN sees them: `goihw` when grouped (the same memory as PyTorch's `[O, I/g, kh, kw]`).
    var weightDims: [Int] {
        groups == 1 ? [cout, cin, kh, kw] : [groups, cout / groups, cin / groups, kh, kw]
    }

    /// `body(first, run)` for each run of at most `images` images, from image `first`: this
    /// geometry with `n` that run's count.
    func forEachRun(of images: Int, _ body: (_ first: Int, _ run: ConvGeometry) -> Void) {
        var run = self
        for first in Swift.stride(from: 0, to: n, by: images) {
            run.n = Swift.min(images, n - first)
            body(first, run)
        }
    }

    /// The layout asked of oneDNN for an activation: its preferred (blocked) one, except in the
    /// backward passes of
    /// - single-channel first layers: plain NCHW, where the blocked layout pads one channel to
    ///   sixteen (measured here: ResNet stem backward 1.7×, LeNet conv1 1.4× faster);
    /// - other ungrouped layers with fewer than sixteen input channels: channels-last (nhwc).
    ///   oneDNN 2.6 computes their weight gradient in a blocked layout on its AVX2 kernel, in
    ///   blocks of eight channels (seen for 6, 8 and 12 channels; from 16 on, also for 20, 24 and
    ///   40, it is AVX-512); in nhwc it is AVX-512 (LeNet's conv2, 6 → 16 channels: weight
    ///   gradient 1.2–1.6 → 0.5–0.6 ms, input gradient 1.2 → 1.1 ms).
    func activationDesc(_ dims: [Int], backward: Bool = false) -> dnnl_memory_desc_t {
        guard backward else { return DNNL.anyDesc(dims, dtype) }
        if cin == 1 { return DNNL.plainDesc(dims, dtype) }
        return cin < 16 && groups == 1 ? DNNL.channelsLastDesc(dims, dtype) : DNNL.anyDesc(dims, dtype)
    }
}

/// An activation a convolution's forward applies to its output (`Conv.output`).
enum ConvActivation: Hashable {
    /// PyTorch: `relu`.
    case relu
    /// Clamps to `[min, max]`. PyTorch: `hardtanh` (`relu6`: `[0, 6]`).
    case clamp(min: Double, max: Double)

    /// The float32 bounds of the clamp it is.
    var bounds: (lo: Float, hi: Float) {
        switch self {
        case .relu: (0, .infinity)
        case .clamp(let lo, let hi): (Float(lo), Float(hi))
        }
    }
}
