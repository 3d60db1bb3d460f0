import Testing
@testable import Ember

/// Evaluation's convolution + batch norm (+ activation) folded into one convolution
/// (`Conv2d.foldingNorm`, `Sequential`): the values of the layers run apart, and the layers run
/// apart whenever anything could tell the difference.
@Suite struct ConvBatchNormFoldingTests {
    /// One convolution per kernel that can run the forward (`ConvGeometry.algorithm(for:)`):
    /// `cin, cout, kernel, stride, padding, groups, size, bias`.
    static let convolutions: [(Int, Int, Int, Int, Int, Int, Int, Bool)] = [
        (16, 32, 1, 1, 0, 1, 8, false),  // oneDNN 1 × 1
        (32, 32, 3, 2, 1, 32, 9, false),  // oneDNN depthwise, strided
        (32, 32, 3, 1, 1, 1, 8, true),  // oneDNN auto (Winograd)
        (64, 64, 3, 1, 1, 1, 4, true),  // SmallMapConv
        (64, 64, 3, 1, 1, 1, 6, false),  // Winograd2x2Conv
        (1, 8, 3, 1, 1, 1, 7, true),  // FewChannelConv
    ]
    static let activations: [ConvActivation?] = [nil, .relu, .clamp(min: 0, max: 6), .clamp(min: -0.5, max: 0.25)]

    /// A convolution and a batch norm in evaluation, with running statistics, scale and shift far
    /// from their initial values.
    private static func layers(_ index: Int, dtype: DType = .float32) -> (Conv2d, BatchNorm2d, Tensor) {
        let (cin, cout, k, stride, pad, groups, size, bias) = convolutions[index]
        manualSeed(UInt64(10 + index))
        let conv = Conv2d(cin, cout, kernelSize: IntOrTuple(k), stride: IntOrTuple(stride), padding: .explicit([pad]),
                          groups: groups, bias: bias, dtype: dtype)
        let norm = BatchNorm2d(cout, eps: 1e-3, dtype: dtype)
        noGrad {
            norm.runningMean!.copy_(Tensor.randn([cout], dtype: dtype) * 0.3)
            norm.runningVar!.copy_(Tensor.rand([cout], dtype: dtype) + 0.2)
            norm.weight!.copy_(Tensor.randn([cout], dtype: dtype))
            norm.bias!.copy_(Tensor.randn([cout], dtype: dtype) * 0.5)
        }
        norm.eval()
        return (conv, norm, Tensor.randn([2, cin, size, size], dtype: dtype))
    }

    private static func apart(_ conv: Conv2d, _ norm: BatchNorm2d, _ activation: ConvActivation?, _ x: Tensor) -> Tensor {
        let y = norm(conv(x))
        switch activation {
        case .relu: return y.relu()
        case .clamp(let lo, let hi): return y.hardtanh(minVal: lo, maxVal: hi)
        case nil: return y
        }
    }

    @Test(arguments: 0..<convolutions.count, 0..<activations.count)
    func foldedMatchesTheLayersApart(conv index: Int, activation a: Int) throws {
        let (conv, norm, x) = Self.layers(index), activation = Self.activations[a]
        try noGrad {
            let folded = try #require(conv.foldingNorm(x, norm, activation))
            let expected = Self.apart(conv, norm, activation, x)
            #expect(folded.shape == expected.shape)
            #expect(folded.allclose(expected, rtol: 1e-4, atol: 1e-5), "\(Self.convolutions[index]) \(String(describing: activation))")
        }
    }

    @Test(arguments: 0..<convolutions.count)
    func float64FoldsToRounding(conv index: Int) throws {
        let (conv, norm, x) = Self.layers(index, dtype: .float64)
        try noGrad {
            let folded = try #require(conv.foldingNorm(x, norm, .clamp(min: 0, max: 6)))
            #expect(folded.dtype == .float64)
            #expect(folded.allclose(Self.apart(conv, norm, .clamp(min: 0, max: 6), x), rtol: 1e-12, atol: 1e-12))
        }
    }

    /// The copy out of oneDNN's `nChw16c` and `nChw8c` with the clamp: whole and padded channel
    /// blocks, blocks of eight and of neither, pixel counts with and without a tail; NaN kept,
    /// infinities clamped.
    @Test(arguments: [(2, 24, 13), (1, 32, 16), (2, 10, 9), (1, 16, 3), (1, 5, 8)], [16, 8])
    func channelBlocksUnblockAndClamp(_ shape: (Int, Int, Int), block: Int) {
        let (n, c, hw) = shape, blocks = (c + block - 1) / block
        func value(_ image: Int, _ channel: Int, _ pixel: Int) -> Float {
            let v = Float((image * 31 + channel * 7 + pixel * 3) % 23) - 11
            return v == 5 ? .nan : v == 6 ? .infinity : v == -6 ? -.infinity : v
        }
        var src = [Float](repeating: 1e9, count: n * blocks * hw * block)  // the padding holds junk
        for image in 0..<n {
            for channel in 0..<c {
                for pixel in 0..<hw {
                    src[((image * blocks + channel / block) * hw + pixel) * block + channel % block] = value(image, channel, pixel)
                }
            }
        }
        var dst = [Float](repeating: 0, count: n * c * hw)
        src.withUnsafeBufferPointer { s in
            dst.withUnsafeMutableBufferPointer { d in
                ChannelBlockKernels(n: n, c: c, pixels: hw, block: block).unblock(s.baseAddress!, d.baseAddress!, lo: -2, hi: 3)
            }
        }
        var wrong = 0
        for image in 0..<n {
            for channel in 0..<c {
                for pixel in 0..<hw {
                    let v = value(image, channel, pixel), got = dst[(image * c + channel) * hw + pixel]
                    let expected = v.isNaN ? v : Swift.min(Swift.max(v, -2), 3)
                    if !(got == expected || (got.isNaN && expected.isNaN)) { wrong += 1 }
                }
            }
        }
        #expect(wrong == 0)
    }

    /// A oneDNN convolution whose output layout is blocked (`nChw16c` with AVX-512, `nChw8c` with
    /// AVX2) applies the activation in its copy out; one that says it did not leaves it out.
    @Test func oneDNNForwardAppliesTheActivation() {
        let (conv, _, x) = Self.layers(0)
        let g = F.convGeometry(x, conv.weight, nil, stride: [1], padding: 0, dilation: [1], groups: 1, op: "conv2d")
        let out = Tensor(uninitializedShape: g.dstDims, dtype: .float32), zeros = Tensor.zeros([g.cout])
        let w = conv.weight.detach().contiguous()
        let applied = ConvPlan.plan(g).runForward(src: x.pointer, weights: w.pointer, bias: zeros.pointer, dst: out.pointer,
                                                  activation: .relu)
        noGrad { #expect(out.allclose(applied ? conv(x).relu() : conv(x), rtol: 1e-5, atol: 1e-6)) }
    }

    /// NaN and infinities go through as the layers apart pass them (`relu` and `hardtanh` keep NaN).
    @Test(arguments: [0, 3], 1..<activations.count)
    func nanAndInfinityAreKept(conv index: Int, activation a: Int) throws {
        let (conv, norm, x) = Self.layers(index), activation = Self.activations[a]
        noGrad {
            x[0, 0, 1, 1] = Tensor(Float.nan)
            x[1, 0, 2, 2] = Tensor(Float.infinity)
        }
        try noGrad {
            let folded = try #require(conv.foldingNorm(x, norm, activation))
            let expected = Self.apart(conv, norm, activation, x)
            #expect(folded.isnan().equal(expected.isnan()))
            #expect(folded.allclose(expected, rtol: 1e-4, atol: 1e-5, equalNan: true))
        }
    }

    /// Anything that could tell the fold apart from the layers keeps them apart: training, a
    /// gradient to record, hooks, batch statistics in evaluation, an unbatched input.
    @Test func layersRunApartWhenTheyMust() {
        let (conv, norm, x) = Self.layers(0)
        noGrad { #expect(conv.foldingNorm(x, norm, nil) != nil) }
        #expect(conv.foldingNorm(x, norm, nil) == nil, "parameters require gradients")
        let frozen = Sequential(conv, norm).requiresGrad_(false)
        #expect(conv.foldingNorm(x, norm, nil) != nil, "nothing requires a gradient")
        #expect(conv.foldingNorm(x.clone().requiresGrad_(), norm, nil) == nil, "the input requires one")
        _ = frozen.requiresGrad_(true)
        noGrad {
            norm.train()
            #expect(conv.foldingNorm(x, norm, nil) == nil, "training")
            norm.eval()
            let handle = conv.registerForwardHook { _, _, _ in nil }
            #expect(conv.foldingNorm(x, norm, nil) == nil, "hook on the convolution")
            handle.remove()
            let normHandle = norm.registerForwardHook { _, _, _ in nil }
            #expect(conv.foldingNorm(x, norm, nil) == nil, "hook on the batch norm")
            normHandle.remove()
            let batchStatistics = BatchNorm2d(32, trackRunningStats: false)
            batchStatistics.eval()
            #expect(conv.foldingNorm(x, batchStatistics, nil) == nil, "no running statistics")
            #expect(conv.foldingNorm(x[0], norm, nil) == nil, "unbatched input")
        }
    }

    /// In a `Sequential`, the fold takes a hook-free ReLU6 with it; an activation with a hook runs
    /// as a module after the folded pair and its hook sees the batch norm's output.
    @Test func sequentialFoldsAndKeepsActivationHooks() {
        let (conv, norm, x) = Self.layers(1)
        let activation = ReLU6()
        let net = Sequential(conv, norm, activation)
        net.eval()
        noGrad {
            let expected = Self.apart(conv, norm, .clamp(min: 0, max: 6), x)
            #expect(net(x).allclose(expected, rtol: 1e-4, atol: 1e-5))
            var seen: Tensor?
            let handle = activation.registerForwardHook { _, inputs, _ in seen = inputs[0]; return nil }
            #expect(net(x).allclose(expected, rtol: 1e-4, atol: 1e-5))
            #expect(seen?.allclose(norm(conv(x)), rtol: 1e-4, atol: 1e-5) == true)
            handle.remove()
        }
        // With autograd recording, the layers run apart and the output has the activation's history.
        #expect(net(x).gradFn?.name == "HardtanhBackward0")
    }
}
