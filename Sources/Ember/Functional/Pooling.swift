// Max, average and adaptive pooling over the last two (or, for the 1-D forms, the last) dims.
// Each operator checks its arguments in PyTorch's order and wording, runs a kernel over the
// contiguous N·C planes in float32 or float64 (float16 and bfloat16 compute in float32), and
// records a backward that is itself a recorded op, so double backward works.

extension F {
    /// 2-D max pooling over the last two dims of a (C, H, W) or (N, C, H, W) input. One-element
    /// arrays apply to both dims; `stride` defaults to `kernelSize`; padding is implicit -inf.
    /// PyTorch: `torch.nn.functional.max_pool2d`.
    public static func maxPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) -> Tensor {
        let compute = {
            maxPool2dChecked(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                             ceilMode: ceilMode, compactIndices: true).output
        }
        guard input.dim == 4 else { return Tensor.untraceable("max_pool2d of unbatched input has no ONNX export", compute) }
        return Tensor.traced("MaxPool", [.tensor(input)],
                             poolAttributes(kernelSize, stride, padding, ceilMode) + [.ints("dilations", pairArray(dilation))], compute)
    }

    /// 2-D max pooling that also returns where each maximum came from: int64 flat positions within
    /// each H·W plane, as `maxUnpool2d` takes them. PyTorch: `torch.nn.functional.max_pool2d` with
    /// `return_indices=True` (`max_pool2d_with_indices`).
    public static func maxPool2dWithIndices(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil,
                                            padding: [Int] = [0], dilation: [Int] = [1],
                                            ceilMode: Bool = false) -> (output: Tensor, indices: Tensor) {
        maxPool2dChecked(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode,
                         compactIndices: false)
    }

    /// `maxPool2dWithIndices`, keeping int32 indices for its backward when `compactIndices` (for
    /// `maxPool2d`, whose indices no caller sees: half the memory a training step keeps for them).
    private static func maxPool2dChecked(_ input: Tensor, kernelSize: [Int], stride: [Int]?, padding: [Int], dilation: [Int],
                                         ceilMode: Bool, compactIndices: Bool) -> (output: Tensor, indices: Tensor) {
        check(kernelSize.count == 1 || kernelSize.count == 2,
              "max_pool2d: kernel_size must either be a single int, or a tuple of two ints")
        let stride = stride ?? []
        check(stride.count <= 2, "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints")
        check(padding.count == 1 || padding.count == 2,
              "max_pool2d: padding must either be a single int, or a tuple of two ints")
        check(dilation.count == 1 || dilation.count == 2,
              "max_pool2d: dilation must be either a single int, or a tuple of two ints")
        check(input.dim == 3 || input.dim == 4, "non-empty 3D or 4D (batch mode) tensor expected for input")
        checkFloating(input, "max_pool2d")
        let k = pair(kernelSize), s = stride.isEmpty ? k : pair(stride), p = pair(padding), d = pair(dilation)
        let (h, w) = (input.shape[input.dim - 2], input.shape[input.dim - 1])
        let oh = pooledSize(h, k.0, p.0, s.0, d.0, ceilMode), ow = pooledSize(w, k.1, p.1, s.1, d.1, ceilMode)
        checkPool2dShape(input, k, s, p, d, oh, ow)
        return maxPool(input, PoolWindows(input: h, output: oh, kernel: k.0, stride: s.0, padding: p.0, dilation: d.0),
                       PoolWindows(input: w, output: ow, kernel: k.1, stride: s.1, padding: p.1, dilation: d.1),
                       name: "MaxPool2DWithIndices", compactIndices: compactIndices)
    }

    /// 2-D average pooling over the last two dims of a (C, H, W) or (N, C, H, W) input. Windows
    /// are clipped to the zero-padded input; the divisor is `divisorOverride` when given, else the
    /// window's size counting the padding (`countIncludePad`) or not. PyTorch:
    /// `torch.nn.functional.avg_pool2d`.
    public static func avgPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true,
                                 divisorOverride: Int? = nil) -> Tensor {
        check(kernelSize.count == 1 || kernelSize.count == 2,
              "avg_pool2d: kernel_size must either be a single int, or a tuple of two ints")
        let stride = stride ?? []
        check(stride.count <= 2, "avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints")
        check(padding.count == 1 || padding.count == 2,
              "avg_pool2d: padding must either be a single int, or a tuple of two ints")
        check(divisorOverride != 0, "divisor must be not zero")
        let r = Swift.max(input.dim, 1)
        check(input.dim >= 3, "Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got -3)")
        checkFloating(input, "avg_pool2d")
        let k = pair(kernelSize), s = stride.isEmpty ? k : pair(stride), p = pair(padding)
        let (h, w) = (input.shape[input.dim - 2], input.shape[input.dim - 1])
        let oh = pooledSize(h, k.0, p.0, s.0, 1, ceilMode), ow = pooledSize(w, k.1, p.1, s.1, 1, ceilMode)
        checkPool2dShape(input, k, s, p, (1, 1), oh, ow)
        let rows = PoolWindows(input: h, output: oh, kernel: k.0, stride: s.0, padding: p.0, dilation: 1)
        let cols = PoolWindows(input: w, output: ow, kernel: k.1, stride: s.1, padding: p.1, dilation: 1)
        let divisors: [Int]
        if let divisorOverride {
            divisors = [Int](repeating: divisorOverride, count: oh * ow)
        } else if countIncludePad {
            // The window clipped to the padded input, not to the ceil-mode overhang beyond it.
            let padRows = (0..<oh).map { Swift.min($0 * s.0 - p.0 + k.0, h + p.0) - ($0 * s.0 - p.0) }
            let padCols = (0..<ow).map { Swift.min($0 * s.1 - p.1 + k.1, w + p.1) - ($0 * s.1 - p.1) }
            divisors = padRows.flatMap { r in padCols.map { r * $0 } }
        } else {
            divisors = windowAreas(rows, cols)
        }
        guard divisorOverride == nil, input.dim == 4 else {
            return Tensor.untraceable("avg_pool2d of unbatched input or with divisor_override has no ONNX export") {
                avgPool(input, rows, cols, divisors: divisors, name: "AvgPool2D")
            }
        }
        return Tensor.traced("AveragePool", [.tensor(input)],
                             poolAttributes(kernelSize, stride, padding, ceilMode) + [.int("count_include_pad", countIncludePad ? 1 : 0)]) {
            avgPool(input, rows, cols, divisors: divisors, name: "AvgPool2D")
        }
    }

    /// 2-D adaptive average pooling to `outputSize` (one element applies to both dims; nil keeps the
    /// input's size): output position `i` averages input rows `floor(i·H/out) ..< ceil((i+1)·H/out)`,
    /// and likewise for columns. PyTorch: `torch.nn.functional.adaptive_avg_pool2d`.
    public static func adaptiveAvgPool2d(_ input: Tensor, outputSize: [Int?]) -> Tensor {
        check(outputSize.count == 1 || outputSize.count == 2, "adaptive_avg_pool2d: output_size must be 2")
        check(input.dim == 3 || input.dim == 4,
              "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got \(shapeString(input.shape))")
        for d in [input.dim - 2, input.dim - 1] {
            check(input.shape[d] > 0,
                  "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(shapeString(input.shape)) with dimension \(d) being empty")
        }
        let (oh, ow) = adaptiveSize(input, outputSize)
        check(oh >= 0 && ow >= 0,
              "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {\(oh), \(ow)}")
        checkFloating(input, "adaptive_avg_pool2d")
        let rows = PoolWindows(adaptiveInput: input.shape[input.dim - 2], output: oh)
        let cols = PoolWindows(adaptiveInput: input.shape[input.dim - 1], output: ow)
        let (h, w) = (input.shape[input.dim - 2], input.shape[input.dim - 1])
        let compute = { avgPool(input, rows, cols, divisors: windowAreas(rows, cols), name: "AdaptiveAvgPool2D") }
        // ONNX has a global pool, and fixed windows when the output size divides the input's.
        guard input.dim == 4 else { return Tensor.untraceable("adaptive_avg_pool2d of unbatched input has no ONNX export", compute) }
        if oh == 1 && ow == 1 { return Tensor.traced("GlobalAveragePool", [.tensor(input)], [], compute) }
        guard oh > 0, ow > 0, h % oh == 0, w % ow == 0 else {
            return Tensor.untraceable("adaptive_avg_pool2d from \(h)x\(w) to \(oh)x\(ow) has no ONNX form (the sizes do not divide)", compute)
        }
        return Tensor.traced("AveragePool", [.tensor(input)], [.ints("kernel_shape", [h / oh, w / ow]), .ints("strides", [h / oh, w / ow])], compute)
    }

    /// 2-D adaptive max pooling to `outputSize`, over the windows `adaptiveAvgPool2d` uses.
    /// PyTorch: `torch.nn.functional.adaptive_max_pool2d`.
    public static func adaptiveMaxPool2d(_ input: Tensor, outputSize: [Int?]) -> Tensor {
        adaptiveMaxPool2dWithIndices(input, outputSize: outputSize).output
    }

    /// 2-D adaptive max pooling that also returns the int64 flat positions of the maxima within each
    /// H·W plane. PyTorch: `torch.nn.functional.adaptive_max_pool2d` with `return_indices=True`.
    public static func adaptiveMaxPool2dWithIndices(_ input: Tensor, outputSize: [Int?]) -> (output: Tensor, indices: Tensor) {
        check(input.dim == 3 || input.dim == 4,
              "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: \(shapeString(input.shape))")
        for d in 1..<input.dim {
            check(input.shape[d] > 0,
                  "adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(shapeString(input.shape)) with dimension \(d) being empty")
        }
        check(outputSize.count == 1 || outputSize.count == 2,
              "adaptive_max_pool2d(): internal error: output_size.size() must be 2")
        let (oh, ow) = adaptiveSize(input, outputSize)
        check(oh >= 0 && ow >= 0,
              "Trying to create tensor with negative dimension \(oh < 0 ? oh : ow): \(shapeString(input.shape.dropLast(2) + [oh, ow]))")
        checkFloating(input, "adaptive_max_pool2d")
        return maxPool(input, PoolWindows(adaptiveInput: input.shape[input.dim - 2], output: oh),
                       PoolWindows(adaptiveInput: input.shape[input.dim - 1], output: ow), name: "AdaptiveMaxPool2D")
    }

    /// 1-D max pooling over the last dim of a (C, L) or (N, C, L) input; `stride` defaults to
    /// `kernelSize`. PyTorch: `torch.nn.functional.max_pool1d`.
    public static func maxPool1d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) -> Tensor {
        maxPool1dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                             ceilMode: ceilMode).output
    }

    /// 1-D max pooling that also returns the int64 positions of the maxima along the last dim.
    /// PyTorch: `torch.nn.functional.max_pool1d` with `return_indices=True`.
    public static func maxPool1dWithIndices(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil,
                                            padding: [Int] = [0], dilation: [Int] = [1],
                                            ceilMode: Bool = false) -> (output: Tensor, indices: Tensor) {
        let sh = input.shape
        check((input.dim == 2 && sh[0] != 0 && sh[1] != 0) || (input.dim == 3 && sh[1] != 0 && sh[2] != 0),
              "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:\(shapeString(sh))")
        check(kernelSize.count == 1,
              "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size \(kernelSize.count)")
        let stride = stride ?? []
        check(stride.count <= 1,
              "max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but got size \(stride.count)")
        check(padding.count == 1,
              "max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got size \(padding.count)")
        check(dilation.count == 1,
              "max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got size \(dilation.count)")
        let k = kernelSize[0], s = stride.first ?? k, p = padding[0], d = dilation[0]
        check(k > 0, "max_pool1d() kernel_size must be greater than zero, but got \(k)")
        check(s > 0, "max_pool1d() stride must be greater than zero, but got \(s)")
        check(p >= 0, "max_pool1d() padding must be non-negative, but got \(p)")
        check(p <= k / 2, "max_pool1d() padding should be at most half of kernel size, but got padding=\(p) and kernel_size=\(k)")
        check(d > 0, "max_pool1d() dilation must be greater than zero, but got \(d)")
        let ol = pooledSize(sh[sh.count - 1], k, p, s, d, ceilMode)
        check(ol > 0, "max_pool1d() Invalid computed output size: \(ol)")
        let (out, indices) = maxPool2dWithIndices(input.unsqueeze(-2), kernelSize: [1, k], stride: [1, s],
                                                  padding: [0, p], dilation: [1, d], ceilMode: ceilMode)
        return (out.squeeze(-2), indices.squeeze(-2))
    }

    /// 1-D average pooling over the last dim of a (C, L) or (N, C, L) input; `stride` defaults to
    /// `kernelSize`. PyTorch: `torch.nn.functional.avg_pool1d`.
    public static func avgPool1d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true) -> Tensor {
        let stride = stride.flatMap { $0.isEmpty ? nil : $0 } ?? kernelSize
        check(input.dim == 2 || input.dim == 3,
              "Expected 2 to 3 dimensions, but got \(input.dim)-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)")
        for (name, value) in [("kernel_size", kernelSize), ("stride", stride), ("padding", padding)] {
            check(value.count == 1, "avg_pool1d() argument '\(name)' should contain one int (got \(value.count))")
        }
        return avgPool2d(input.unsqueeze(-2), kernelSize: [1, kernelSize[0]], stride: [1, stride[0]],
                         padding: [0, padding[0]], ceilMode: ceilMode, countIncludePad: countIncludePad).squeeze(-2)
    }
}

// MARK: - Shapes and checks

extension F {
    /// A one- or two-element argument as (height, width).
    private static func pair(_ v: [Int]) -> (Int, Int) { (v[0], v.count == 1 ? v[0] : v[1]) }
    private static func pairArray(_ v: [Int]) -> [Int] { let p = pair(v); return [p.0, p.1] }

    /// A 2-D pool's ONNX attributes: kernel, strides (the kernel by default), symmetric pads, ceil mode.
    private static func poolAttributes(_ kernelSize: [Int], _ stride: [Int]?, _ padding: [Int], _ ceilMode: Bool) -> [ONNXAttribute] {
        let k = pairArray(kernelSize), p = pairArray(padding)
        return [.ints("kernel_shape", k), .ints("strides", stride.map { $0.isEmpty ? k : pairArray($0) } ?? k),
                .ints("pads", p + p), .int("ceil_mode", ceilMode ? 1 : 0)]
    }

    /// Output length of a pooling axis with PyTorch's rounding; in ceil mode the last window must
    /// start inside the input or its left padding. PyTorch: `pooling_output_shape`.
    private static func pooledSize(_ size: Int, _ kernel: Int, _ pad: Int, _ stride: Int, _ dilation: Int,
                                   _ ceilMode: Bool) -> Int {
        check(stride != 0, "stride should not be zero")
        check(pad >= 0, "pad must be non-negative, but got pad: \(pad)")
        check(pad <= ((kernel - 1) * dilation + 1) / 2,
              "pad should be at most half of effective kernel size, but got pad=\(pad), kernel_size=\(kernel) and dilation=\(dilation)")
        let span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
        // Division rounding toward negative infinity, as PyTorch's `div_rtn`.
        var out = span / stride - (span % stride != 0 && (span < 0) != (stride < 0) ? 1 : 0) + 1
        if ceilMode && (out - 1) * stride >= size + pad { out -= 1 }
        return out
    }

    /// The checks every 2-D pooling makes once its output size is known. PyTorch: `pool2d_shape_check`.
    private static func checkPool2dShape(_ input: Tensor, _ k: (Int, Int), _ s: (Int, Int), _ p: (Int, Int),
                                         _ d: (Int, Int), _ oh: Int, _ ow: Int) {
        check(k.0 > 0 && k.1 > 0, "kernel size should be greater than zero, but got kH: \(k.0) kW: \(k.1)")
        check(s.0 > 0 && s.1 > 0, "stride should be greater than zero, but got dH: \(s.0) dW: \(s.1)")
        check(d.0 > 0 && d.1 > 0,
              "dilation should be greater than zero, but got dilationH: \(d.0) dilationW: \(d.1)")
        let sh = input.shape
        let validDims = sh[1] != 0 && sh[2] != 0
        check((sh.count == 3 && sh[0] != 0 && validDims) || (sh.count == 4 && validDims && sh[3] != 0),
              "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:\(shapeString(sh))")
        check(k.1 / 2 >= p.1 && k.0 / 2 >= p.0,
              "pad should be smaller than or equal to half of kernel size, but got padW = \(p.1), padH = \(p.0), kW = \(k.1), kH = \(k.0)")
        let planes = sh[sh.count - 3], h = sh[sh.count - 2], w = sh[sh.count - 1]
        check(oh >= 1 && ow >= 1,
              "Given input size: (\(planes)x\(h)x\(w)). Calculated output size: (\(planes)x\(oh)x\(ow)). Output size is too small")
    }

    /// The adaptive output size, nil entries taking the input's size.
    private static func adaptiveSize(_ input: Tensor, _ size: [Int?]) -> (Int, Int) {
        let h = input.shape[input.dim - 2], w = input.shape[input.dim - 1]
        return (size[0] ?? h, (size.count == 1 ? size[0] : size[1]) ?? w)
    }

    /// Stops for dtypes the pooling kernels do not compute, with PyTorch's message.
    static func checkFloating(_ input: Tensor, _ op: String) {
        let names: [DType: String] = [.bool: "Bool", .uint8: "Byte", .int8: "Char", .int16: "Short",
                                      .int32: "Int", .int64: "Long"]
        check(input.dtype.isFloatingPoint, "\"\(op)\" not implemented for '\(names[input.dtype] ?? "\(input.dtype)")'")
    }

    /// Number of taps of each window, row-major over (rows, cols).
    private static func windowAreas(_ rows: PoolWindows, _ cols: PoolWindows) -> [Int] {
        (0..<rows.count).flatMap { r in (0..<cols.count).map { rows.size(r) * cols.size($0) } }
    }

    /// The planes of an input whose last two dims are pooled over `rows × cols`.
    private static func geometry(_ shape: [Int], _ rows: PoolWindows, _ cols: PoolWindows) -> PoolGeometry {
        PoolGeometry(planes: shape.dropLast(2).reduce(1, *), height: shape[shape.count - 2],
                     width: shape[shape.count - 1], rows: rows, cols: cols)
    }
}

// MARK: - Forward and backward ops

extension F {
    /// Max over `rows × cols` windows with argmax indices (int64, or int32 when `compactIndices`
    /// and the planes are small enough); records `<name>Backward0`.
    private static func maxPool(_ input: Tensor, _ rows: PoolWindows, _ cols: PoolWindows,
                                name: String, compactIndices: Bool = false) -> (output: Tensor, indices: Tensor) {
        let ct = input.dtype.computeType
        let outShape = Array(input.shape.dropLast(2)) + [rows.count, cols.count]
        let out = Tensor(uninitializedShape: outShape, dtype: ct)
        let compact = compactIndices && input.shape.suffix(2).reduce(1, *) <= Int(Int32.max)
        let indices = Tensor(uninitializedShape: outShape, dtype: compact ? .int32 : .int64)
        maxPoolKernel(input.converted(ct).contiguousRaw(), geometry(input.shape, rows, cols), out: out, indices: indices)
        let result = out.converted(input.dtype).recording(name + "Backward0", [input]) { g, _ in
            [maxPoolBackward(g, indices, input, name: name)]
        }
        return (result, indices)
    }

    /// The gradient of max pooling: `grad` scattered to the argmax positions, overlaps summed. Its
    /// own backward gathers from the argmax positions; like PyTorch's it lists `input` too (the
    /// result depends on it only through the indices, with zero gradient), so the result requires
    /// grad whenever `input` does.
    private static func maxPoolBackward(_ grad: Tensor, _ indices: Tensor, _ input: Tensor, name: String) -> Tensor {
        let ct = grad.dtype.computeType, inShape = input.shape
        let outShape = grad.shape, inPlane = inShape.suffix(2).reduce(1, *), outPlane = outShape.suffix(2).reduce(1, *)
        let planes = inShape.dropLast(2).reduce(1, *)
        let gradInput = Tensor(uninitializedShape: inShape, dtype: ct)
        maxPoolBackwardKernel(grad.converted(ct).contiguousRaw(), indices, planes: planes, inPlane: inPlane,
                              outPlane: outPlane, into: gradInput)
        return gradInput.converted(grad.dtype).recording(name + "BackwardBackward0", [grad, input]) { gg, _ in
            [gg.reshape([planes, inPlane]).gather(1, indices.converted(.int64).reshape([planes, outPlane])).reshape(outShape), nil]
        }
    }

    /// Window sums over `rows × cols` divided by `divisors`; records `<name>Backward0`.
    private static func avgPool(_ input: Tensor, _ rows: PoolWindows, _ cols: PoolWindows, divisors: [Int],
                                name: String) -> Tensor {
        let ct = input.dtype.computeType
        let out = Tensor(uninitializedShape: Array(input.shape.dropLast(2)) + [rows.count, cols.count], dtype: ct)
        avgPoolKernel(input.converted(ct).contiguousRaw(), geometry(input.shape, rows, cols), divisors: divisors, out: out)
        return out.converted(input.dtype).recording(name + "Backward0", [input]) { g, _ in
            [avgPoolBackward(g, rows, cols, divisors: divisors, input, name: name)]
        }
    }

    /// The gradient of average pooling: each output's gradient spread evenly over its window. Linear
    /// in `grad`, with average pooling itself as its backward; `input` is listed with no gradient,
    /// as in PyTorch, so the result requires grad whenever `input` does.
    private static func avgPoolBackward(_ grad: Tensor, _ rows: PoolWindows, _ cols: PoolWindows, divisors: [Int],
                                        _ input: Tensor, name: String) -> Tensor {
        let ct = grad.dtype.computeType, inShape = input.shape
        let gradInput = Tensor(uninitializedShape: inShape, dtype: ct)
        avgPoolBackwardKernel(grad.converted(ct).contiguousRaw(), geometry(inShape, rows, cols), divisors: divisors,
                              into: gradInput)
        return gradInput.converted(grad.dtype).recording(name + "BackwardBackward0", [grad, input]) { gg, _ in
            [avgPool(gg, rows, cols, divisors: divisors, name: name), nil]
        }
    }
}
