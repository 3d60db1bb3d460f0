extension F {
    /// The output size of a sliding window along one dim.
    private static func windows(_ size: Int, _ k: Int, _ dilation: Int, _ padding: Int, _ stride: Int) -> Int {
        (size + 2 * padding - dilation * (k - 1) - 1) / stride + 1
    }

    /// The sliding `kernelSize` blocks of `(N, C, H, W)` input as columns:
    /// `(N, C·kh·kw, L)` (im2col). PyTorch: `torch.nn.functional.unfold`.
    public static func unfold(_ input: Tensor, kernelSize: [Int], dilation: [Int] = [1], padding: [Int] = [0],
                              stride: [Int] = [1]) -> Tensor {
        check(input.dim == 3 || input.dim == 4, "Input Error: Only 3D or 4D input Tensors are supported (got \(input.dim)D)")
        let x = input.dim == 3 ? input.unsqueeze(0) : input
        let (k, d, p, s) = (expandArg(kernelSize, 2, "kernel_size", "unfold"), expandArg(dilation, 2, "dilation", "unfold"),
                            expandArg(padding, 2, "padding", "unfold"), expandArg(stride, 2, "stride", "unfold"))
        let (n, c) = (x.shape[0], x.shape[1])
        let oh = windows(x.shape[2], k[0], d[0], p[0], s[0]), ow = windows(x.shape[3], k[1], d[1], p[1], s[1])
        check(oh > 0 && ow > 0, "Given input with spatial size (\(x.shape[2]), \(x.shape[3])), kernel_size=(\(k[0]), \(k[1])), dilation=(\(d[0]), \(d[1])), padding=(\(p[0]), \(p[1])), calculated shape of the array of sliding blocks as (\(oh), \(ow)), but its components must be at least one.")
        let padded = pad(x, [p[1], p[1], p[0], p[0]])
        var blocks: [Tensor] = []
        for i in 0..<k[0] {
            for j in 0..<k[1] {
                blocks.append(padded.slice(2, i * d[0], i * d[0] + (oh - 1) * s[0] + 1, s[0])
                    .slice(3, j * d[1], j * d[1] + (ow - 1) * s[1] + 1, s[1]))
            }
        }
        let out = Tensor.stack(blocks, dim: 2).reshape([n, c * k[0] * k[1], oh * ow])
        return input.dim == 3 ? out.squeeze(0) : out
    }

    /// Sums the columns of `(N, C·kh·kw, L)` input back into `(N, C, H, W)` of `outputSize`, the
    /// overlaps added (col2im, `unfold`'s adjoint). PyTorch: `torch.nn.functional.fold`.
    public static func fold(_ input: Tensor, outputSize: [Int], kernelSize: [Int], dilation: [Int] = [1],
                            padding: [Int] = [0], stride: [Int] = [1]) -> Tensor {
        check(input.dim == 2 || input.dim == 3, "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got \(input.dim)D)")
        let x = input.dim == 2 ? input.unsqueeze(0) : input
        let (o, k, d, p, s) = (expandArg(outputSize, 2, "output_size", "fold"), expandArg(kernelSize, 2, "kernel_size", "fold"),
                               expandArg(dilation, 2, "dilation", "fold"), expandArg(padding, 2, "padding", "fold"),
                               expandArg(stride, 2, "stride", "fold"))
        let taps = k[0] * k[1], n = x.shape[0]
        check(x.shape[1] % taps == 0, "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=\(x.shape[1]) and kernel_size=(\(k[0]), \(k[1])).")
        let oh = windows(o[0], k[0], d[0], p[0], s[0]), ow = windows(o[1], k[1], d[1], p[1], s[1])
        check(oh > 0 && ow > 0, "Given output_size=(\(o[0]), \(o[1])), kernel_size=(\(k[0]), \(k[1])), dilation=(\(d[0]), \(d[1])), padding=(\(p[0]), \(p[1])), stride=(\(s[0]), \(s[1])), calculated shape of the array of sliding blocks as (\(oh), \(ow)), which is invalid.")
        check(x.shape[2] == oh * ow, "Given output_size=(\(o[0]), \(o[1])), kernel_size=(\(k[0]), \(k[1])), dilation=(\(d[0]), \(d[1])), padding=(\(p[0]), \(p[1])), stride=(\(s[0]), \(s[1])), expected size of input's dimension 2 to match the calculated number of sliding blocks \(oh) * \(ow) = \(oh * ow), but got input.size(2)=\(x.shape[2]).")
        let c = x.shape[1] / taps
        let blocks = x.reshape([n, c, taps, oh, ow])
        let paddedShape = [n, c, o[0] + 2 * p[0], o[1] + 2 * p[1]]
        var sum: Tensor? = nil
        for i in 0..<k[0] {
            for j in 0..<k[1] {
                let placed = blocks.select(2, i * k[1] + j).scatterIntoZeros(paddedShape, name: "Col2ImBackward0") {
                    $0.slice(2, i * d[0], i * d[0] + (oh - 1) * s[0] + 1, s[0]).slice(3, j * d[1], j * d[1] + (ow - 1) * s[1] + 1, s[1])
                }
                sum = sum.map { $0 + placed } ?? placed
            }
        }
        let out = sum!.narrow(2, p[0], o[0]).narrow(3, p[1], o[1])
        return input.dim == 2 ? out.squeeze(0) : out
    }
}
