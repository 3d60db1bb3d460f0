// Pooling built from the 2-D kernels: 3-D max and average pooling (2-D pooling of each depth
// slice, then the depth windows), the 1- and 3-D adaptive forms, power-average pooling and max
// unpooling. Gradients come from the ops they are made of.

extension F {
    /// The `(kd, kh, kw)` triple of a 3-D pooling argument (one value serves all three).
    private static func triple(_ v: [Int], _ name: String, _ op: String) -> [Int] { expandArg(v, 3, name, op) }

    /// `input` `(N, C, D, H, W)` (or unbatched) with the 2-D op applied to every depth slice.
    private static func perDepthSlice(_ x: Tensor, _ op: (Tensor) -> Tensor) -> Tensor {
        let (n, c, d) = (x.shape[0], x.shape[1], x.shape[2])
        let slices = op(x.permute([0, 2, 1, 3, 4]).reshape([n * d, c, x.shape[3], x.shape[4]]))
        return slices.reshape([n, d, c, slices.shape[2], slices.shape[3]]).permute([0, 2, 1, 3, 4])
    }

    /// The depth windows of `x` (`kernel` slices `stride` apart over `x` padded by `padding`
    /// with `fill`), stacked along a new last dim.
    private static func depthWindows(_ x: Tensor, kernel: Int, stride: Int, padding: Int, fill: Double) -> Tensor {
        let padded = pad(x, [0, 0, 0, 0, padding, padding], value: fill)
        let count = (padded.shape[2] - kernel) / stride + 1
        return Tensor.stack((0..<kernel).map { padded.slice(2, $0, $0 + (count - 1) * stride + 1, stride) }, dim: -1)
    }

    /// 3-D max pooling of `(N, C, D, H, W)` or `(C, D, H, W)` input (floor mode, dilation 1).
    /// PyTorch: `torch.nn.functional.max_pool3d`.
    public static func maxPool3d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0]) -> Tensor {
        check(input.dim == 4 || input.dim == 5, "non-empty 4D or 5D (batch mode) tensor expected for input")
        let x = input.dim == 4 ? input.unsqueeze(0) : input
        let k = triple(kernelSize, "kernel_size", "max_pool3d"), s = triple(stride ?? kernelSize, "stride", "max_pool3d")
        let p = triple(padding, "padding", "max_pool3d")
        for i in 0..<3 { check(p[i] <= k[i] / 2, "pad should be smaller than or equal to half of kernel size, but got padW = \(p[2]), padH = \(p[1]), padT = \(p[0]), kW = \(k[2]), kH = \(k[1]), kT = \(k[0])") }
        let planes = perDepthSlice(x) { maxPool2d($0, kernelSize: [k[1], k[2]], stride: [s[1], s[2]], padding: [p[1], p[2]]) }
        let out = depthWindows(planes, kernel: k[0], stride: s[0], padding: p[0], fill: -.infinity).amax(dims: [-1])
        return input.dim == 4 ? out.squeeze(0) : out
    }

    /// 3-D average pooling of `(N, C, D, H, W)` or `(C, D, H, W)` input, the zero padding counted
    /// (PyTorch's default `count_include_pad`). PyTorch: `torch.nn.functional.avg_pool3d`.
    public static func avgPool3d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0]) -> Tensor {
        check(input.dim == 4 || input.dim == 5, "non-empty 4D or 5D (batch mode) tensor expected for input")
        let x = input.dim == 4 ? input.unsqueeze(0) : input
        let k = triple(kernelSize, "kernel_size", "avg_pool3d"), s = triple(stride ?? kernelSize, "stride", "avg_pool3d")
        let p = triple(padding, "padding", "avg_pool3d")
        let planes = perDepthSlice(x) { avgPool2d($0, kernelSize: [k[1], k[2]], stride: [s[1], s[2]], padding: [p[1], p[2]]) }
        let out = depthWindows(planes, kernel: k[0], stride: s[0], padding: p[0], fill: 0).mean(dims: [-1])
        return input.dim == 4 ? out.squeeze(0) : out
    }

    /// 1-D adaptive average pooling of `(N, C, L)` or `(C, L)` to `outputSize` positions.
    /// PyTorch: `torch.nn.functional.adaptive_avg_pool1d`.
    public static func adaptiveAvgPool1d(_ input: Tensor, outputSize: Int) -> Tensor {
        check(input.dim == 2 || input.dim == 3, "adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got \(input.dim)D")
        return adaptiveAvgPool2d(input.unsqueeze(-2), outputSize: [1, outputSize]).squeeze(-2)
    }

    /// 1-D adaptive max pooling of `(N, C, L)` or `(C, L)` to `outputSize` positions.
    /// PyTorch: `torch.nn.functional.adaptive_max_pool1d`.
    public static func adaptiveMaxPool1d(_ input: Tensor, outputSize: Int) -> Tensor {
        check(input.dim == 2 || input.dim == 3, "adaptive_max_pool1d(): Expected 2D or 3D tensor, but got \(input.dim)D")
        return adaptiveMaxPool2d(input.unsqueeze(-2), outputSize: [1, outputSize]).squeeze(-2)
    }

    /// 3-D adaptive average pooling of `(N, C, D, H, W)` or `(C, D, H, W)` to `outputSize`: the
    /// spatial planes first, then the depth ranges (the mean of a box is the mean of its slices'
    /// means). PyTorch: `torch.nn.functional.adaptive_avg_pool3d`.
    public static func adaptiveAvgPool3d(_ input: Tensor, outputSize: [Int]) -> Tensor {
        check(input.dim == 4 || input.dim == 5, "adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got \(input.dim)D")
        let x = input.dim == 4 ? input.unsqueeze(0) : input
        let o = triple(outputSize, "output_size", "adaptive_avg_pool3d")
        let planes = perDepthSlice(x) { adaptiveAvgPool2d($0, outputSize: [o[1], o[2]]) }
        let depth = PoolWindows(adaptiveInput: x.shape[2], output: o[0])
        let out = Tensor.stack((0..<o[0]).map { planes.narrow(2, depth.start[$0], depth.size($0)).mean(dim: 2) }, dim: 2)
        return input.dim == 4 ? out.squeeze(0) : out
    }

    /// Power-average pooling over the last two dims: `(Σ xᵖ)^(1/p)` of each window.
    /// PyTorch: `torch.nn.functional.lp_pool2d`.
    public static func lpPool2d(_ input: Tensor, normType: Double, kernelSize: [Int], stride: [Int]? = nil,
                                ceilMode: Bool = false) -> Tensor {
        let k = expandArg(kernelSize, 2, "kernel_size", "lp_pool2d")
        let out = avgPool2d(input.pow(normType), kernelSize: k, stride: stride, ceilMode: ceilMode)
        return (out.sign() * out.abs().relu() * Double(k[0] * k[1])).pow(1 / normType)
    }

    /// Power-average pooling over the last dim. PyTorch: `torch.nn.functional.lp_pool1d`.
    public static func lpPool1d(_ input: Tensor, normType: Double, kernelSize: Int, stride: Int? = nil,
                                ceilMode: Bool = false) -> Tensor {
        let out = avgPool1d(input.pow(normType), kernelSize: [kernelSize], stride: stride.map { [$0] }, ceilMode: ceilMode)
        return (out.sign() * out.abs().relu() * Double(kernelSize)).pow(1 / normType)
    }

    /// Places each value of a max pooling's output at the flat position `indices` gives within its
    /// plane of an otherwise zero `(N, C, H, W)` output (by default the pooling's input size).
    /// PyTorch: `torch.nn.functional.max_unpool2d`.
    public static func maxUnpool2d(_ input: Tensor, indices: Tensor, kernelSize: [Int], stride: [Int]? = nil,
                                   padding: [Int] = [0], outputSize: [Int]? = nil) -> Tensor {
        check(input.shape == indices.shape, "Expected shape of indices to be same as that of the input tensor (\(shapeString(input.shape))) but got indices tensor with shape: \(shapeString(indices.shape))")
        check(input.dim == 3 || input.dim == 4, "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with \(input.dim) dimensions.")
        let k = expandArg(kernelSize, 2, "kernel_size", "max_unpool2d"), s = expandArg(stride ?? kernelSize, 2, "stride", "max_unpool2d")
        let p = expandArg(padding, 2, "padding", "max_unpool2d")
        let h = input.shape[input.dim - 2], w = input.shape[input.dim - 1]
        let size = outputSize.map { Array($0.suffix(2)) } ?? [(h - 1) * s[0] - 2 * p[0] + k[0], (w - 1) * s[1] - 2 * p[1] + k[1]]
        let lead = Array(input.shape.dropLast(2))
        let flatIndices = indices.reshape(lead + [h * w]), flatValues = input.reshape(lead + [h * w])
        let plane = size[0] * size[1]
        check(flatIndices.numel == 0 || (flatIndices.amin().item() >= 0 && flatIndices.amax().item() < Double(plane)),
              "Found an invalid max index: indices must lie in 0..<\(plane)")
        return Tensor.zeros(lead + [plane], dtype: input.dtype).scatter(-1, flatIndices, flatValues).reshape(lead + size)
    }
}
