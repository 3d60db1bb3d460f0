extension F {
    /// Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)` while
    /// `training`; the identity otherwise. PyTorch: `torch.nn.functional.dropout`.
    public static func dropout(_ input: Tensor, p: Double = 0.5, training: Bool = true,
                               generator: Generator? = nil) -> Tensor {
        dropoutMasked(input, p: p, training: training, maskShape: input.shape, generator: generator)
    }

    /// Zeroes whole channels with probability `p` and scales the rest by `1 / (1 - p)` while
    /// `training`, for `(N, C, H, W)` or unbatched `(C, H, W)` input.
    /// PyTorch: `torch.nn.functional.dropout2d`.
    public static func dropout2d(_ input: Tensor, p: Double = 0.5, training: Bool = true,
                                 generator: Generator? = nil) -> Tensor {
        check(input.dim == 3 || input.dim == 4,
              "dropout2d: expected 3-D (C, H, W) or 4-D (N, C, H, W) input, got \(input.dim)-D")
        let channels = input.shape.count - 2
        let maskShape = Array(input.shape.prefix(channels)) + [1, 1]
        return dropoutMasked(input, p: p, training: training, maskShape: maskShape, generator: generator)
    }

    /// Multiplies by a Bernoulli(1 - p) mask of `maskShape` (broadcast against the input), scaled.
    private static func dropoutMasked(_ input: Tensor, p: Double, training: Bool, maskShape: [Int],
                                      generator: Generator?) -> Tensor {
        check(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        if !training || p == 0 { return input }
        let dtype = input.dtype.isFloatingPoint ? input.dtype : .float32
        if p == 1 { return input * Tensor.zeros(maskShape, dtype: dtype) }
        let mask = Tensor.empty(maskShape, dtype: dtype).bernoulli_(1 - p, generator: generator)
        return input * (mask / (1 - p))
    }
}
