// Distances as modules, called as `distance(x1, x2)`.

/// The cosine similarity along `dim`. PyTorch: `torch.nn.CosineSimilarity`.
public final class CosineSimilarity: Module {
    public let dim: Int
    public let eps: Double
    /// PyTorch: `nn.CosineSimilarity(dim=1, eps=1e-08)`.
    public init(dim: Int = 1, eps: Double = 1e-8) { (self.dim, self.eps) = (dim, eps); super.init() }
    public override func forward(_ x1: Tensor, _ x2: Tensor) -> Tensor { F.cosineSimilarity(x1, x2, dim: dim, eps: eps) }
}

/// The pairwise `p`-distance along the last dim. PyTorch: `torch.nn.PairwiseDistance`.
public final class PairwiseDistance: Module {
    public let norm: Double, eps: Double
    public let keepDim: Bool
    /// PyTorch: `nn.PairwiseDistance(p=2.0, eps=1e-06, keepdim=False)`.
    public init(p: Double = 2, eps: Double = 1e-6, keepDim: Bool = false) {
        (self.norm, self.eps, self.keepDim) = (p, eps, keepDim)
        super.init()
    }
    public override func forward(_ x1: Tensor, _ x2: Tensor) -> Tensor { F.pairwiseDistance(x1, x2, p: norm, eps: eps, keepDim: keepDim) }
}
