/// Differentiable neural-network operators as functions. PyTorch: `torch.nn.functional`
/// (imported there as `F`). Each operator checks its arguments with PyTorch's messages, runs a
/// kernel (oneDNN for convolution, vectorized Swift elsewhere) and records its backward.
public enum F {
    /// How a loss reduces its per-element values. PyTorch: the `reduction` argument.
    public enum Reduction: String, Sendable {
        /// Per-element losses, unreduced.
        case none
        /// The mean (for weighted losses, the weighted mean).
        case mean
        /// The sum.
        case sum
    }
}
