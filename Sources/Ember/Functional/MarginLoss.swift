extension F {
    /// `max(0, −target · (input1 − input2) + margin)`, targets ±1. PyTorch: `torch.nn.functional.margin_ranking_loss`.
    public static func marginRankingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                         reduction: Reduction = .mean) -> Tensor {
        reduce((-target * (input1 - input2) + margin).clamp(min: 0), reduction)
    }

    /// `input` where the target is 1, `max(0, margin − input)` where it is −1.
    /// PyTorch: `torch.nn.functional.hinge_embedding_loss`.
    public static func hingeEmbeddingLoss(_ input: Tensor, _ target: Tensor, margin: Double = 1,
                                          reduction: Reduction = .mean) -> Tensor {
        let zero = Tensor.zeros([], dtype: input.dtype)
        let marginTerm = Tensor.where(target .!= 1.0, (margin - input).clamp(min: 0), zero)
        let selfTerm = Tensor.where(target .!= -1.0, input, zero)
        return reduce(marginTerm + selfTerm, reduction)
    }

    /// `log(1 + exp(−target · input))`, targets ±1. PyTorch: `torch.nn.functional.soft_margin_loss`.
    public static func softMarginLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        reduce((-target * input).exp().log1p(), reduction)
    }

    /// One-vs-all logistic loss over the classes of `(N, C)` input against 0/1 targets, averaged
    /// over the classes. PyTorch: `torch.nn.functional.multilabel_soft_margin_loss`.
    public static func multilabelSoftMarginLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                reduction: Reduction = .mean) -> Tensor {
        var loss = -(target * input.logSigmoid() + (1.0 - target) * (-input).logSigmoid())
        if let weight { loss = loss * weight }
        let perSample = loss.sum(dim: input.dim - 1) / Double(input.shape[input.dim - 1])
        return reduce(perSample, reduction)
    }

    /// The multi-class, multi-label hinge loss: for each sample, the target classes listed in
    /// `target` (int64, ended by the first −1) against every other class,
    /// `Σ max(0, 1 − (x[y] − x[i])) / C`. PyTorch: `torch.nn.functional.multilabel_margin_loss`.
    public static func multilabelMarginLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        check(input.shape == target.shape && input.dim <= 2,
              "multilabel_margin_loss: inconsistent target size: \(shapeString(target.shape)) for input of size: \(shapeString(input.shape))")
        let x = input.dim == 2 ? input : input.reshape([1, -1]), y = target.reshape(x.shape)
        let (n, c) = (x.shape[0], x.shape[1])
        // Each row's listed targets (up to the first -1) and the classes among them.
        var listed = Array(repeating: false, count: n * c), isTarget = Array(repeating: false, count: n * c)
        var columns = Array(repeating: 0, count: n * c)
        let values = y.toInts()
        for r in 0..<n {
            for j in 0..<c {
                let t = values[r * c + j]
                if t < 0 { break }
                check(t < c, "multilabel_margin_loss: target index \(t) is out of range for \(c) classes")
                listed[r * c + j] = true
                isTarget[r * c + t] = true
                columns[r * c + j] = t
            }
        }
        let targetScores = x.gather(1, Tensor(columns, shape: [n, c], dtype: .int64))  // [N, J]
        let hinge = (1.0 - targetScores.unsqueeze(2) + x.unsqueeze(1)).clamp(min: 0)  // [N, J, C]
        let mask = Tensor(listed, shape: [n, c, 1], dtype: .bool)
            .logicalAnd(Tensor(isTarget, shape: [n, 1, c], dtype: .bool).logicalNot())
        let perSample = Tensor.where(mask, hinge, Tensor.zeros([], dtype: x.dtype)).sum(dims: [1, 2]) / Double(c)
        return reduce(input.dim == 2 ? perSample : perSample.reshape([]), reduction)
    }

    /// The multi-class hinge loss, `Σ_{i≠y} max(0, margin − x[y] + x[i])^p / C` per sample, with
    /// `weight[y]` scaling it. PyTorch: `torch.nn.functional.multi_margin_loss`.
    public static func multiMarginLoss(_ input: Tensor, _ target: Tensor, p: Int = 1, margin: Double = 1,
                                       weight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        check(p == 1 || p == 2, "only p == 1 and p == 2 supported")
        let x = input.dim == 2 ? input : input.reshape([1, -1]), y = target.reshape([-1, 1])
        let c = x.shape[1]
        let scored = x.gather(1, y)
        var hinge = (margin - scored + x).clamp(min: 0)
        if p == 2 { hinge = hinge * hinge }
        if let weight { hinge = hinge * weight.indexSelect(0, y.reshape([-1])).unsqueeze(1) }
        let others = Tensor.arange(c).unsqueeze(0) .!= y.to(.float64)
        let perSample = Tensor.where(others, hinge, Tensor.zeros([], dtype: x.dtype)).sum(dim: 1) / Double(c)
        return reduce(input.dim == 2 ? perSample : perSample.reshape([]), reduction)
    }

    /// `1 − cos(x1, x2)` where the target is 1, `max(0, cos(x1, x2) − margin)` where it is −1.
    /// PyTorch: `torch.nn.functional.cosine_embedding_loss`.
    public static func cosineEmbeddingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                           reduction: Reduction = .mean) -> Tensor {
        // PyTorch's own epsilon on the squared magnitudes.
        let d = input1.dim - 1, epsilon = 1e-12
        let dot = (input1 * input2).sum(dim: d)
        let magnitudes = ((input1 * input1).sum(dim: d) + epsilon) * ((input2 * input2).sum(dim: d) + epsilon)
        let cos = dot / magnitudes.sqrt()
        let zero = Tensor.zeros([], dtype: cos.dtype)
        let loss = Tensor.where(target .== 1.0, 1.0 - cos, zero) + Tensor.where(target .== -1.0, (cos - margin).clamp(min: 0), zero)
        return reduce(loss, reduction)
    }

    /// `max(0, margin + d(anchor, positive) − d(anchor, negative))` with the pairwise `p`-distance;
    /// with `swap`, the smaller of the negative's distances to the anchor and to the positive.
    /// PyTorch: `torch.nn.functional.triplet_margin_loss`.
    public static func tripletMarginLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double = 1,
                                         p: Double = 2, eps: Double = 1e-6, swap: Bool = false,
                                         reduction: Reduction = .mean) -> Tensor {
        tripletLoss(anchor, positive, negative, { pairwiseDistance($0, $1, p: p, eps: eps) }, margin: margin, swap: swap,
                    reduction: reduction)
    }

    /// The triplet margin loss with any distance (by default `pairwiseDistance`).
    /// PyTorch: `torch.nn.functional.triplet_margin_with_distance_loss`.
    public static func tripletMarginWithDistanceLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor,
                                                     distanceFunction: ((Tensor, Tensor) -> Tensor)? = nil,
                                                     margin: Double = 1, swap: Bool = false,
                                                     reduction: Reduction = .mean) -> Tensor {
        check(margin > 0, "triplet_margin_with_distance_loss: expected margin to be greater than 0, got \(margin) instead")
        return tripletLoss(anchor, positive, negative, distanceFunction ?? { pairwiseDistance($0, $1) }, margin: margin,
                           swap: swap, reduction: reduction)
    }

    private static func tripletLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, _ distance: (Tensor, Tensor) -> Tensor,
                                    margin: Double, swap: Bool, reduction: Reduction) -> Tensor {
        let toPositive = distance(anchor, positive)
        var toNegative = distance(anchor, negative)
        if swap { toNegative = toNegative.minimum(distance(positive, negative)) }
        return reduce((toPositive - toNegative + margin).clamp(min: 0), reduction)
    }
}
