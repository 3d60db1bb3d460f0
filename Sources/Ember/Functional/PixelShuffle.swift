extension F {
    /// `(*, C·r², H, W)` rearranged to `(*, C, H·r, W·r)`. PyTorch: `torch.nn.functional.pixel_shuffle`.
    public static func pixelShuffle(_ input: Tensor, upscaleFactor r: Int) -> Tensor {
        check(input.dim >= 3, "pixel_shuffle expects input to have at least 3 dimensions, but got input with \(input.dim) dimension(s)")
        check(r > 0, "pixel_shuffle expects a positive upscale_factor, but got \(r)")
        let lead = Array(input.shape.dropLast(3)), c = input.shape[input.dim - 3]
        let h = input.shape[input.dim - 2], w = input.shape[input.dim - 1]
        check(c % (r * r) == 0, "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=\(c) is not divisible by \(r * r)")
        let k = lead.count
        let split = input.reshape(lead + [c / (r * r), r, r, h, w])
        let order = Array(0..<k) + [k, k + 3, k + 1, k + 4, k + 2]
        return split.permute(order).reshape(lead + [c / (r * r), h * r, w * r])
    }

    /// `(*, C, H·r, W·r)` rearranged to `(*, C·r², H, W)`, the inverse of `pixelShuffle`.
    /// PyTorch: `torch.nn.functional.pixel_unshuffle`.
    public static func pixelUnshuffle(_ input: Tensor, downscaleFactor r: Int) -> Tensor {
        check(input.dim >= 3, "pixel_unshuffle expects input to have at least 3 dimensions, but got input with \(input.dim) dimension(s)")
        check(r > 0, "pixel_unshuffle expects a positive downscale_factor, but got \(r)")
        let lead = Array(input.shape.dropLast(3)), c = input.shape[input.dim - 3]
        let h = input.shape[input.dim - 2], w = input.shape[input.dim - 1]
        check(h % r == 0 && w % r == 0, "pixel_unshuffle expects height and width to be divisible by downscale_factor, but got \(h) and \(w) for \(r)")
        let k = lead.count
        let split = input.reshape(lead + [c, h / r, r, w / r, r])
        let order = Array(0..<k) + [k, k + 2, k + 4, k + 1, k + 3]
        return split.permute(order).reshape(lead + [c * r * r, h / r, w / r])
    }
}
