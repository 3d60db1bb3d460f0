extension F {
    /// `x` with its gradient passing through as if `clamp(min:)` were not there: PyTorch clamps the
    /// norms of `cosine_similarity` and the variances of `gaussian_nll_loss` under `no_grad`.
    static func clampedValue(_ x: Tensor, min: Double) -> Tensor {
        x + noGrad { x.clamp(min: min) - x }
    }

    /// The cosine of the angle between `x1` and `x2` (broadcast) along `dim`, each norm kept at
    /// least `eps`. PyTorch: `torch.nn.functional.cosine_similarity`.
    public static func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, dim: Int = 1, eps: Double = 1e-8) -> Tensor {
        let shape = Tensor.broadcastShapes(x1.shape, x2.shape)
        let a = x1.expand(shape), b = x2.expand(shape)
        let na = clampedValue(a.norm(dim: dim, keepDim: true), min: eps)
        let nb = clampedValue(b.norm(dim: dim, keepDim: true), min: eps)
        return ((a / na) * (b / nb)).sum(dim: dim)
    }

    /// The `p`-norm of `x1 − x2 + eps` along the last dim. PyTorch: `torch.nn.functional.pairwise_distance`.
    public static func pairwiseDistance(_ x1: Tensor, _ x2: Tensor, p: Double = 2, eps: Double = 1e-6,
                                        keepDim: Bool = false) -> Tensor {
        let rank = Swift.max(x1.dim, x2.dim)
        return (x1 - x2 + eps).norm(p: p, dim: rank == 0 ? 0 : -1, keepDim: keepDim)
    }

    /// `input` divided by its `p`-norm along `dim`, the norm kept at least `eps`.
    /// PyTorch: `torch.nn.functional.normalize`.
    public static func normalize(_ input: Tensor, p: Double = 2, dim: Int = 1, eps: Double = 1e-12) -> Tensor {
        input / input.norm(p: p, dim: dim, keepDim: true).clamp(min: eps)
    }
}
