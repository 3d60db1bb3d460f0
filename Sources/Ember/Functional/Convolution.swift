import Synchronization

/// The three differentiable convolution primitives. Each backward is written with the others, so
/// gradients of gradients work: the input gradient of a convolution is a transposed convolution of
/// the output gradient, and the weight gradient a correlation of input and output gradient.
enum Conv {
    /// Numbers each output gradient, so the two backward primitives of one step share its reorder.
    private static let gradientTokens = Atomic<Int>(0)

    /// The dtype a convolution of `t` computes in: float64 or float32 (half types compute in float32).
    private static func computeDType(_ t: Tensor) -> DType { t.dtype == .float64 ? .float64 : .float32 }

    /// Runs `body` on float32 or float64 contiguous copies (half types compute in float32).
    private static func compute(_ t: Tensor) -> Tensor { t.converted(computeDType(t)).contiguousRaw() }

    /// `conv(x, w) + bias`. PyTorch: `ConvolutionBackward0`.
    static func forward(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ g: ConvGeometry) -> Tensor {
        let out = output(x, w, bias, g)
        let inputs = [x, w] + (bias.map { [$0] } ?? [])
        return out.recording("ConvolutionBackward0", inputs, saved: [x, w]) { gOut, _ in
            let gc = gOut.contiguous()
            // The two passes share the output gradient's reorder only when both run the whole batch
            // (in the dtype `data` computes in).
            var computed = g
            computed.dtype = computeDType(x)
            let token = computed.inputGradientImages < g.n ? nil : gradientTokens.add(1, ordering: .relaxed).newValue
            let wantBias = bias?.requiresGradFlag ?? false
            let (gw, gb) = w.requiresGradFlag || wantBias ? weights(x, gc, g, wantBias: wantBias, token: token) : (nil, nil)
            var grads: [Tensor?] = [x.requiresGradFlag ? data(gc, w, g, token: token).gradFor(x) : nil,
                                    w.requiresGradFlag ? gw?.gradFor(w) : nil]
            if let bias { grads.append(gb?.gradFor(bias)) }
            return grads
        }
    }

    /// `activation(conv(x, w) + bias)` in `x`'s dtype, with no history; the activation (none for
    /// `forward`) is applied as oneDNN's blocked output is copied out (`ConvPlan.runForward`), else
    /// in place afterwards.
    static func output(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ g: ConvGeometry,
                       activation: ConvActivation? = nil) -> Tensor {
        let xc = compute(x), wc = compute(w)
        var geometry = g
        geometry.dtype = xc.dtype
        let out = Tensor(uninitializedShape: geometry.dstDims, dtype: xc.dtype)
        let algorithm = geometry.algorithm(for: .forward)
        switch algorithm {
        case .reference:
            let b = bias.map(compute)
            DirectConv<Double>(g: geometry).forward(xc.pointer(as: Double.self), wc.pointer(as: Double.self),
                                                    b.map { UnsafePointer($0.pointer(as: Double.self)) },
                                                    out.pointer(as: Double.self))
        case .fewChannel:
            let b = bias.map(compute)
            FewChannelConv(g: geometry).forward(xc.pointer(as: Float.self), wc.pointer(as: Float.self),
                                                b.map { UnsafePointer($0.pointer(as: Float.self)) }, out.pointer(as: Float.self))
        case .fiveByFive, .smallMap, .winograd2x2:
            let b = bias.map(compute) ?? Tensor.zeros([g.cout])
            geometry.ownKernel(algorithm)!.forward(xc.pointer(as: Float.self), wc.pointer(as: Float.self), b.pointer(as: Float.self),
                                                   out.pointer(as: Float.self))
        case .oneDNNDirect, .oneDNNAuto, .oneDNNWinograd:
            let b = bias.map(compute) ?? Tensor.zeros([g.cout])
            if ConvPlan.plan(geometry).runForward(src: xc.pointer, weights: wc.pointer, bias: b.pointer, dst: out.pointer,
                                                  activation: activation) {
                return out.converted(x.dtype)
            }
        }
        switch activation {
        case .relu: _ = out.relu_()
        case .clamp(let lo, let hi): _ = out.clamp_(min: lo, max: hi)
        case nil: break
        }
        return out.converted(x.dtype)
    }

    /// The input gradient from `gOut` (shaped like the output) and the weights: a transposed convolution.
    static func data(_ gOut: Tensor, _ w: Tensor, _ g: ConvGeometry, token: Int? = nil) -> Tensor {
        let dc = compute(gOut), wc = compute(w)
        var geometry = g
        geometry.dtype = dc.dtype
        let out = Tensor(uninitializedShape: geometry.srcDims, dtype: dc.dtype)
        let algorithm = geometry.algorithm(for: .inputGradient)
        switch algorithm {
        case .reference:
            DirectConv<Double>(g: geometry).backwardData(dc.pointer(as: Double.self), wc.pointer(as: Double.self),
                                                         out.pointer(as: Double.self))
        case .fiveByFive, .smallMap, .winograd2x2:
            geometry.ownKernel(algorithm)!.backwardData(dc.pointer(as: Float.self), wc.pointer(as: Float.self),
                                                        out.pointer(as: Float.self), token: token)
        case .fewChannel:
            preconditionFailure("FewChannelConv has no input gradient: algorithm(for:) gives oneDNN's")
        case .oneDNNDirect:
            ConvPlan.plan(geometry).runBackwardData(diffDst: dc.pointer, weights: wc.pointer, diffSrc: out.pointer, token: token)
        case .oneDNNAuto, .oneDNNWinograd:
            let images = geometry.inputGradientImages
            guard geometry.n > images else {
                ConvPlan.plan(geometry).runBackwardData(diffDst: dc.pointer, weights: wc.pointer, diffSrc: out.pointer, token: token)
                break
            }
            let srcBytes = geometry.cin * geometry.h * geometry.w * 4, dstBytes = geometry.cout * geometry.outH * geometry.outW * 4
            geometry.forEachRun(of: images) { first, run in
                ConvPlan.plan(run).runBackwardData(diffDst: dc.pointer + first * dstBytes, weights: wc.pointer,
                                                   diffSrc: out.pointer + first * srcBytes, token: nil)
            }
        }
        return out.converted(gOut.dtype).recording("ConvolutionBackwardBackward0", [gOut, w], saved: [gOut, w]) { gg, _ in
            [gOut.requiresGradFlag ? forward(gg, w, nil, g) : nil, w.requiresGradFlag ? weights(gg, gOut, g).weight.gradFor(w) : nil]
        }
    }

    /// The weight gradient from the input `x` and `gOut`, and with `wantBias` the bias gradient
    /// (per-channel sums of `gOut`, computed by the same oneDNN pass).
    static func weights(_ x: Tensor, _ gOut: Tensor, _ g: ConvGeometry, wantBias: Bool = false,
                        token: Int? = nil) -> (weight: Tensor, bias: Tensor?) {
        let xc = compute(x), dc = compute(gOut)
        var geometry = g
        geometry.dtype = xc.dtype
        let shape = [g.cout, g.cin / g.groups, g.kh, g.kw]
        let out = Tensor(uninitializedShape: shape, dtype: xc.dtype)
        var biasGrad: Tensor? = nil
        let algorithm = geometry.algorithm(for: .weightGradient)
        if algorithm == .reference {
            DirectConv<Double>(g: geometry).backwardWeights(xc.pointer(as: Double.self), dc.pointer(as: Double.self),
                                                            out.pointer(as: Double.self))
            if wantBias { biasGrad = gOut.sum(dims: [0, 2, 3]) }
        } else {
            let b = wantBias ? Tensor(uninitializedShape: [g.cout], dtype: .float32) : nil
            switch algorithm {
            case .fewChannel:
                FewChannelConv(g: geometry).backwardWeights(xc.pointer(as: Float.self), dc.pointer(as: Float.self),
                                                            out.pointer(as: Float.self), b?.pointer(as: Float.self))
            case .fiveByFive, .smallMap, .winograd2x2:
                geometry.ownKernel(algorithm)!.backwardWeights(xc.pointer(as: Float.self), dc.pointer(as: Float.self),
                                                               out.pointer(as: Float.self), b?.pointer(as: Float.self), token: token)
            default:
                ConvPlan.plan(geometry).runBackwardWeights(src: xc.pointer, diffDst: dc.pointer, diffWeights: out.pointer,
                                                           diffBias: b?.pointer, token: token)
            }
            biasGrad = b.map { $0.converted(gOut.dtype).recording("ConvolutionBackwardBackward0", [gOut]) { gb, _ in
                [gb.view(1, -1, 1, 1).expand(gOut.shape)]
            } }
        }
        let weight = out.converted(x.dtype).recording("ConvolutionBackwardBackward0", [x, gOut], saved: [x, gOut]) { gw, _ in
            [x.requiresGradFlag ? data(gOut, gw, g).gradFor(x) : nil, gOut.requiresGradFlag ? forward(x, gw, nil, g) : nil]
        }
        return (weight, biasGrad)
    }
}

/// Padding of a convolution: explicit sizes, or PyTorch's `"same"` / `"valid"`.
public enum ConvPadding: Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// Zero padding on both sides of each spatial dim (one value applies to all).
    case explicit([Int])
    /// Output the size of the input (stride 1 only); an odd total pads the extra on the right.
    case same
    /// No padding.
    case valid

    public init(integerLiteral value: Int) { self = .explicit([value]) }
    public init(arrayLiteral elements: Int...) { self = .explicit(elements) }
}

extension F {
    /// Expands a 1- or n-element argument to `n` values, with PyTorch's message.
    static func expandArg(_ v: [Int], _ n: Int, _ name: String, _ op: String) -> [Int] {
        check(v.count == 1 || v.count == n, "\(op): expected \(name) to be a single integer value or a list of \(n) values to match the convolution dimensions, but got \(name)=\(shapeString(v))")
        return v.count == 1 ? Array(repeating: v[0], count: n) : v
    }

    /// Validates a convolution and derives its geometry (input 4-D here). `oneD` marks a conv1d run
    /// as a conv2d of height 1: its messages show the shapes and sizes without that dim, as PyTorch's do.
    static func convGeometry(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: [Int], padding: ConvPadding,
                             dilation: [Int], groups: Int, op: String, oneD: Bool = false) -> ConvGeometry {
        func shown(_ shape: [Int]) -> String {
            shapeString(oneD ? Array(shape.prefix(2) + shape.dropFirst(3)) : shape)
        }
        func sizes(_ a: Int, _ b: Int) -> String { oneD ? "(\(b))" : "(\(a) x \(b))" }
        check(w.dim == 4, "\(op): Expected \(x.dim)-dimensional weight for \(x.dim)-dimensional input \(shapeString(x.shape)), but got \(w.dim)-dimensional weight of size \(shapeString(w.shape)) instead")
        check(x.dtype == w.dtype, "Input type (\(x.dtype.legacyName)) and weight type (\(w.dtype.legacyName)) should be the same")
        check(x.dtype.isFloatingPoint, "\(op): expected a floating-point input, got \(x.dtype)")
        check(groups > 0, "non-positive groups is not supported")
        let s = expandArg(stride, 2, "stride", op), d = expandArg(dilation, 2, "dilation", op)
        for v in s { check(v > 0, "non-positive stride is not supported") }
        for v in d { check(v > 0, "dilation should be greater than zero") }
        check(w.shape[0] % groups == 0,
              "Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size [\(shown(w.shape))] instead")
        check(x.shape[1] == w.shape[1] * groups,
              "Given groups=\(groups), weight of size \(shown(w.shape)), expected input\(shown(x.shape)) to have \(w.shape[1] * groups) channels, but got \(x.shape[1]) channels instead")
        if let bias {
            check(bias.dim == 1 && bias.shape[0] == w.shape[0],
                  "Given weight of size \(shown(w.shape)), expected bias to be 1-dimensional with \(w.shape[0]) elements, but got bias of size \(shapeString(bias.shape)) instead")
        }
        var padL = [0, 0], padR = [0, 0]
        switch padding {
        case .explicit(let p):
            padL = expandArg(p, 2, "padding", op)
            for v in padL { check(v >= 0, "negative padding is not supported") }
            padR = padL
        case .same:
            check(s == [1, 1], "padding='same' is not supported for strided convolutions")
            for i in 0..<2 {
                let total = d[i] * (w.shape[2 + i] - 1)
                padL[i] = total / 2
                padR[i] = total - padL[i]
            }
        case .valid: break
        }
        let g = ConvGeometry(n: x.shape[0], cin: x.shape[1], h: x.shape[2], w: x.shape[3], cout: w.shape[0],
                             kh: w.shape[2], kw: w.shape[3], stride: s, padL: padL, padR: padR, dilation: d,
                             groups: groups, dtype: x.dtype)
        let ph = x.shape[2] + padL[0] + padR[0], pw = x.shape[3] + padL[1] + padR[1]
        let kh = d[0] * (w.shape[2] - 1) + 1, kw = d[1] * (w.shape[3] - 1) + 1
        check(ph >= kh && pw >= kw,
              "Calculated padded input size per channel: \(sizes(ph, pw)). Kernel size: \(sizes(kh, kw)). Kernel size can't be greater than actual input size")
        return g
    }

    /// 2-D convolution over `(N, C, H, W)` or unbatched `(C, H, W)` input with weight
    /// `(O, C/groups, kH, kW)`. PyTorch: `torch.nn.functional.conv2d`.
    public static func conv2d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: [Int] = [1],
                              padding: ConvPadding = 0, dilation: [Int] = [1], groups: Int = 1) -> Tensor {
        check(input.dim == 3 || input.dim == 4,
              "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: \(shapeString(input.shape))")
        let x = input.dim == 3 ? input.unsqueeze(0) : input
        let out = conv2dBatched(x, weight, bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                op: "conv2d", oneD: false)
        return input.dim == 3 ? out.squeeze(0) : out
    }

    /// conv2d on 4-D input; conv1d comes here with height 1 (`oneD`) and its own name.
    private static func conv2dBatched(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, stride: [Int], padding: ConvPadding,
                                      dilation: [Int], groups: Int, op: String, oneD: Bool) -> Tensor {
        let g = convGeometry(x, weight, bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                             op: op, oneD: oneD)
        if oneD { return Tensor.untraceable("conv1d has no ONNX export yet") { Conv.forward(x, weight, bias, g) } }
        return Tensor.traced("Conv", [.tensor(x), .tensor(weight), bias.map { .tensor($0) } ?? .none],
                             [.ints("kernel_shape", [g.kh, g.kw]), .ints("strides", g.stride), .ints("pads", g.padL + g.padR),
                              .ints("dilations", g.dilation), .int("group", g.groups)]) {
            Conv.forward(x, weight, bias, g)
        }
    }

    /// 1-D convolution over `(N, C, L)` or `(C, L)` with weight `(O, C/groups, k)`. PyTorch: `torch.nn.functional.conv1d`.
    public static func conv1d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: Int = 1,
                              padding: ConvPadding = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
        check(input.dim == 2 || input.dim == 3,
              "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: \(shapeString(input.shape))")
        check(weight.dim == 3, "conv1d: Expected 3-dimensional weight for \(input.dim)-dimensional input \(shapeString(input.shape)), but got \(weight.dim)-dimensional weight of size \(shapeString(weight.shape)) instead")
        let x = input.dim == 2 ? input.unsqueeze(0) : input
        let pad2d: ConvPadding
        switch padding {
        case .explicit(let p): pad2d = .explicit([0, expandArg(p, 1, "padding", "conv1d")[0]])
        default: pad2d = padding
        }
        let out = conv2dBatched(x.unsqueeze(2), weight.unsqueeze(2), bias, stride: [1, stride], padding: pad2d,
                                dilation: [1, dilation], groups: groups, op: "conv1d", oneD: true).squeeze(2)
        return input.dim == 2 ? out.squeeze(0) : out
    }

    /// 2-D transposed convolution ("deconvolution") with weight `(C_in, C_out/groups, kH, kW)`.
    /// PyTorch: `torch.nn.functional.conv_transpose2d`.
    public static func convTranspose2d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: [Int] = [1],
                                       padding: [Int] = [0], outputPadding: [Int] = [0], groups: Int = 1,
                                       dilation: [Int] = [1]) -> Tensor {
        check(input.dim == 3 || input.dim == 4,
              "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: \(shapeString(input.shape))")
        check(weight.dim == 4, "conv_transpose2d: Expected 4-dimensional weight, but got weight of size \(shapeString(weight.shape))")
        check(input.dtype == weight.dtype,
              "Input type (\(input.dtype.legacyName)) and weight type (\(weight.dtype.legacyName)) should be the same")
        let x = input.dim == 3 ? input.unsqueeze(0) : input
        let op = "conv_transpose2d"
        let s = expandArg(stride, 2, "stride", op), p = expandArg(padding, 2, "padding", op)
        let o = expandArg(outputPadding, 2, "output_padding", op), d = expandArg(dilation, 2, "dilation", op)
        check(x.shape[1] == weight.shape[0],
              "Given transposed=1, weight of size \(shapeString(weight.shape)), expected input\(shapeString(x.shape)) to have \(weight.shape[0]) channels, but got \(x.shape[1]) channels instead")
        check(weight.shape[0] % groups == 0,
              "Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size [\(shapeString(weight.shape))] instead")
        for i in 0..<2 {
            check(o[i] < s[i] || o[i] < d[i],
                  "output padding must be smaller than either stride or dilation, but got output_padding_height: \(o[0]) output_padding_width: \(o[1]) stride_height: \(s[0]) stride_width: \(s[1]) dilation_height: \(d[0]) dilation_width: \(d[1])")
        }
        let cout = weight.shape[1] * groups
        let oh = (x.shape[2] - 1) * s[0] - 2 * p[0] + d[0] * (weight.shape[2] - 1) + o[0] + 1
        let ow = (x.shape[3] - 1) * s[1] - 2 * p[1] + d[1] * (weight.shape[3] - 1) + o[1] + 1
        check(oh > 0 && ow > 0, "Given input size per channel: (\(x.shape[2]) x \(x.shape[3])). Calculated output size per channel: (\(oh) x \(ow)). Output size is too small")
        // The transposed convolution is the input gradient of the convolution that maps its output
        // back to its input.
        let g = ConvGeometry(n: x.shape[0], cin: cout, h: oh, w: ow, cout: weight.shape[0], kh: weight.shape[2],
                             kw: weight.shape[3], stride: s, padL: p, padR: [p[0] - o[0], p[1] - o[1]], dilation: d,
                             groups: groups, dtype: x.dtype)
        var out = Conv.data(x, weight, g)
        if let bias {
            check(bias.dim == 1 && bias.shape[0] == cout,
                  "Given weight of size \(shapeString(weight.shape)), expected bias to be 1-dimensional with \(cout) elements, but got bias of size \(shapeString(bias.shape)) instead")
            out = out + bias.view(1, -1, 1, 1)
        }
        return input.dim == 3 ? out.squeeze(0) : out
    }
}
