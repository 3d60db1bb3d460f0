extension F {
    /// Divides each element by `(k + alpha · mean of the squares of its `size` neighbouring
    /// channels)^beta` (AlexNet's normalization). PyTorch: `torch.nn.functional.local_response_norm`.
    public static func localResponseNorm(_ input: Tensor, size: Int, alpha: Double = 1e-4, beta: Double = 0.75,
                                         k: Double = 1) -> Tensor {
        check(input.dim >= 3, "Expected 3D or higher dimensionality input (got \(input.dim) dimensions)")
        check(size > 0, "local_response_norm: size must be positive")
        let c = input.shape[1]
        // The squares padded along the channels as PyTorch pads them, then a window sum.
        var padding = Array(repeating: 0, count: 2 * (input.dim - 2))
        padding += [size / 2, (size - 1) / 2]
        let squares = pad(input * input, padding)
        var window = squares.narrow(1, 0, c)
        for s in 1..<size { window = window + squares.narrow(1, s, c) }
        return input / (window / Double(size) * alpha + k).pow(beta)
    }
}
