// Convolutions over volumes, and the 1-D transposed convolution, built from the 2-D ones: a 3-D
// convolution is a sum over the filter's depth of 2-D convolutions of depth slices, each run once
// over all the slices it reads (batched as images). Gradients come from the 2-D convolutions.

extension F {
    /// 3-D convolution over `(N, C, D, H, W)` or unbatched `(C, D, H, W)` input with weight
    /// `(O, C/groups, kD, kH, kW)`. PyTorch: `torch.nn.functional.conv3d`.
    public static func conv3d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: [Int] = [1],
                              padding: [Int] = [0], dilation: [Int] = [1], groups: Int = 1) -> Tensor {
        check(input.dim == 4 || input.dim == 5,
              "Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: \(shapeString(input.shape))")
        check(weight.dim == 5, "conv3d: Expected 5-dimensional weight, but got weight of size \(shapeString(weight.shape))")
        let x = input.dim == 4 ? input.unsqueeze(0) : input
        let s = expandArg(stride, 3, "stride", "conv3d"), p = expandArg(padding, 3, "padding", "conv3d")
        let d = expandArg(dilation, 3, "dilation", "conv3d")
        let (n, kd) = (x.shape[0], weight.shape[2])
        let padded = pad(x, [0, 0, 0, 0, p[0], p[0]])
        let depth = (padded.shape[2] - d[0] * (kd - 1) - 1) / s[0] + 1
        check(depth > 0, "conv3d: Kernel size can't be greater than actual input size")
        var out: Tensor? = nil
        for k in 0..<kd {
            // The depth slices tap k reads, as a batch of images.
            let start = k * d[0]
            let slices = padded.slice(2, start, start + (depth - 1) * s[0] + 1, s[0])
            let images = slices.permute([0, 2, 1, 3, 4]).reshape([n * depth, x.shape[1], x.shape[3], x.shape[4]])
            let part = conv2d(images, weight.select(2, k), stride: [s[1], s[2]], padding: .explicit([p[1], p[2]]),
                              dilation: [d[1], d[2]], groups: groups)
            out = out.map { $0 + part } ?? part
        }
        var result = out!.reshape([n, depth, weight.shape[0], out!.shape[2], out!.shape[3]]).permute([0, 2, 1, 3, 4])
        if let bias { result = result + bias.reshape([1, -1, 1, 1, 1]) }
        return input.dim == 4 ? result.squeeze(0) : result
    }

    /// 1-D transposed convolution over `(N, C, L)` or `(C, L)` with weight `(C, O/groups, k)`.
    /// PyTorch: `torch.nn.functional.conv_transpose1d`.
    public static func convTranspose1d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: Int = 1,
                                       padding: Int = 0, outputPadding: Int = 0, groups: Int = 1, dilation: Int = 1) -> Tensor {
        check(input.dim == 2 || input.dim == 3,
              "Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: \(shapeString(input.shape))")
        check(weight.dim == 3, "conv_transpose1d: Expected 3-dimensional weight, but got weight of size \(shapeString(weight.shape))")
        return convTranspose2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, stride: [1, stride], padding: [0, padding],
                               outputPadding: [0, outputPadding], groups: groups, dilation: [1, dilation]).squeeze(-2)
    }

    /// 3-D transposed convolution over `(N, C, D, H, W)` or `(C, D, H, W)` with weight
    /// `(C, O/groups, kD, kH, kW)`: each filter depth's 2-D transposed convolution of every input
    /// slice, placed `stride` apart in depth and summed. PyTorch: `torch.nn.functional.conv_transpose3d`.
    public static func convTranspose3d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: [Int] = [1],
                                       padding: [Int] = [0], outputPadding: [Int] = [0], groups: Int = 1,
                                       dilation: [Int] = [1]) -> Tensor {
        check(input.dim == 4 || input.dim == 5,
              "Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got input of size: \(shapeString(input.shape))")
        check(weight.dim == 5, "conv_transpose3d: Expected 5-dimensional weight, but got weight of size \(shapeString(weight.shape))")
        let x = input.dim == 4 ? input.unsqueeze(0) : input
        let op = "conv_transpose3d"
        let s = expandArg(stride, 3, "stride", op), p = expandArg(padding, 3, "padding", op)
        let o = expandArg(outputPadding, 3, "output_padding", op), d = expandArg(dilation, 3, "dilation", op)
        let (n, depthIn, kd) = (x.shape[0], x.shape[2], weight.shape[2])
        let images = x.permute([0, 2, 1, 3, 4]).reshape([n * depthIn, x.shape[1], x.shape[3], x.shape[4]])
        let full = (depthIn - 1) * s[0] + d[0] * (kd - 1) + 1 + o[0]
        var out: Tensor? = nil
        for k in 0..<kd {
            let planes = convTranspose2d(images, weight.select(2, k), stride: [s[1], s[2]], padding: [p[1], p[2]],
                                         outputPadding: [o[1], o[2]], groups: groups, dilation: [d[1], d[2]])
            let volume = planes.reshape([n, depthIn, planes.shape[1], planes.shape[2], planes.shape[3]]).permute([0, 2, 1, 3, 4])
            let start = k * d[0]
            let placed = volume.scatterIntoZeros([n, planes.shape[1], full, planes.shape[2], planes.shape[3]],
                                                 name: "ConvolutionBackward0") { $0.slice(2, start, start + (depthIn - 1) * s[0] + 1, s[0]) }
            out = out.map { $0 + placed } ?? placed
        }
        let depthOut = full - 2 * p[0]
        check(depthOut > 0, "conv_transpose3d: Output size is too small")
        var result = out!.narrow(2, p[0], depthOut)
        if let bias { result = result + bias.reshape([1, -1, 1, 1, 1]) }
        return input.dim == 4 ? result.squeeze(0) : result
    }
}
