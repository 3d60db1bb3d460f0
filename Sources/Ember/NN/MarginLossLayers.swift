// The margin, embedding and likelihood losses as modules, each applying its `F` function; the
// three-input ones are called as `loss(a, b, c)`.

/// PyTorch: `torch.nn.MarginRankingLoss`.
public final class MarginRankingLoss: Module {
    public let margin: Double
    public let reduction: F.Reduction
    /// PyTorch: `nn.MarginRankingLoss(margin=0.0, reduction='mean')`.
    public init(margin: Double = 0, reduction: F.Reduction = .mean) {
        self.margin = margin
        self.reduction = reduction
        super.init()
    }
    public override func forward(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
        F.marginRankingLoss(input1, input2, target, margin: margin, reduction: reduction)
    }
}

/// PyTorch: `torch.nn.HingeEmbeddingLoss`.
public final class HingeEmbeddingLoss: Module {
    public let margin: Double
    public let reduction: F.Reduction
    /// PyTorch: `nn.HingeEmbeddingLoss(margin=1.0, reduction='mean')`.
    public init(margin: Double = 1, reduction: F.Reduction = .mean) {
        self.margin = margin
        self.reduction = reduction
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.hingeEmbeddingLoss(input, target, margin: margin, reduction: reduction)
    }
}

/// PyTorch: `torch.nn.SoftMarginLoss`.
public final class SoftMarginLoss: Module {
    public let reduction: F.Reduction
    /// PyTorch: `nn.SoftMarginLoss(reduction='mean')`.
    public init(reduction: F.Reduction = .mean) { self.reduction = reduction; super.init() }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor { F.softMarginLoss(input, target, reduction: reduction) }
}

/// PyTorch: `torch.nn.MultiLabelSoftMarginLoss`.
public final class MultiLabelSoftMarginLoss: Module {
    /// Per-class weights `(C)`, or nil.
    @Buffer public var weight: Tensor?
    public let reduction: F.Reduction
    /// PyTorch: `nn.MultiLabelSoftMarginLoss(weight=None, reduction='mean')`.
    public init(weight: Tensor? = nil, reduction: F.Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.multilabelSoftMarginLoss(input, target, weight: weight, reduction: reduction)
    }
}

/// PyTorch: `torch.nn.MultiLabelMarginLoss`.
public final class MultiLabelMarginLoss: Module {
    public let reduction: F.Reduction
    /// PyTorch: `nn.MultiLabelMarginLoss(reduction='mean')`.
    public init(reduction: F.Reduction = .mean) { self.reduction = reduction; super.init() }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor { F.multilabelMarginLoss(input, target, reduction: reduction) }
}

/// PyTorch: `torch.nn.MultiMarginLoss`.
public final class MultiMarginLoss: Module {
    public let p: Int
    public let margin: Double
    /// Per-class weights `(C)`, or nil.
    @Buffer public var weight: Tensor?
    public let reduction: F.Reduction
    /// PyTorch: `nn.MultiMarginLoss(p=1, margin=1.0, weight=None, reduction='mean')`.
    public init(p: Int = 1, margin: Double = 1, weight: Tensor? = nil, reduction: F.Reduction = .mean) {
        self.p = p
        self.margin = margin
        self.weight = weight
        self.reduction = reduction
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.multiMarginLoss(input, target, p: p, margin: margin, weight: weight, reduction: reduction)
    }
}

/// PyTorch: `torch.nn.CosineEmbeddingLoss`.
public final class CosineEmbeddingLoss: Module {
    public let margin: Double
    public let reduction: F.Reduction
    /// PyTorch: `nn.CosineEmbeddingLoss(margin=0.0, reduction='mean')`.
    public init(margin: Double = 0, reduction: F.Reduction = .mean) {
        self.margin = margin
        self.reduction = reduction
        super.init()
    }
    public override func forward(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
        F.cosineEmbeddingLoss(input1, input2, target, margin: margin, reduction: reduction)
    }
}

/// PyTorch: `torch.nn.TripletMarginLoss`.
public final class TripletMarginLoss: Module {
    public let margin: Double, p: Double, eps: Double
    public let swap: Bool
    public let reduction: F.Reduction
    /// PyTorch: `nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-06, swap=False, reduction='mean')`.
    public init(margin: Double = 1, p: Double = 2, eps: Double = 1e-6, swap: Bool = false, reduction: F.Reduction = .mean) {
        (self.margin, self.p, self.eps, self.swap, self.reduction) = (margin, p, eps, swap, reduction)
        super.init()
    }
    public override func forward(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor) -> Tensor {
        F.tripletMarginLoss(anchor, positive, negative, margin: margin, p: p, eps: eps, swap: swap, reduction: reduction)
    }
}

/// PyTorch: `torch.nn.TripletMarginWithDistanceLoss`.
public final class TripletMarginWithDistanceLoss: Module {
    public let distanceFunction: ((Tensor, Tensor) -> Tensor)?
    public let margin: Double
    public let swap: Bool
    public let reduction: F.Reduction
    /// PyTorch: `nn.TripletMarginWithDistanceLoss(distance_function=None, margin=1.0, swap=False, reduction='mean')`.
    public init(distanceFunction: ((Tensor, Tensor) -> Tensor)? = nil, margin: Double = 1, swap: Bool = false,
                reduction: F.Reduction = .mean) {
        (self.distanceFunction, self.margin, self.swap, self.reduction) = (distanceFunction, margin, swap, reduction)
        super.init()
    }
    public override func forward(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor) -> Tensor {
        F.tripletMarginWithDistanceLoss(anchor, positive, negative, distanceFunction: distanceFunction, margin: margin,
                                        swap: swap, reduction: reduction)
    }
}

/// PyTorch: `torch.nn.PoissonNLLLoss`.
public final class PoissonNLLLoss: Module {
    public let logInput: Bool, full: Bool
    public let eps: Double
    public let reduction: F.Reduction
    /// PyTorch: `nn.PoissonNLLLoss(log_input=True, full=False, eps=1e-08, reduction='mean')`.
    public init(logInput: Bool = true, full: Bool = false, eps: Double = 1e-8, reduction: F.Reduction = .mean) {
        (self.logInput, self.full, self.eps, self.reduction) = (logInput, full, eps, reduction)
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.poissonNLLLoss(input, target, logInput: logInput, full: full, eps: eps, reduction: reduction)
    }
}

/// Called as `loss(input, target, variance)`. PyTorch: `torch.nn.GaussianNLLLoss`.
public final class GaussianNLLLoss: Module {
    public let full: Bool
    public let eps: Double
    public let reduction: F.Reduction
    /// PyTorch: `nn.GaussianNLLLoss(full=False, eps=1e-06, reduction='mean')`.
    public init(full: Bool = false, eps: Double = 1e-6, reduction: F.Reduction = .mean) {
        (self.full, self.eps, self.reduction) = (full, eps, reduction)
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor, _ variance: Tensor) -> Tensor {
        F.gaussianNLLLoss(input, target, variance, full: full, eps: eps, reduction: reduction)
    }
}

/// The CTC loss, called as `loss(logProbs, targets, inputLengths: ..., targetLengths: ...)`.
/// PyTorch: `torch.nn.CTCLoss`.
public final class CTCLoss: Module {
    public let blank: Int
    public let reduction: F.Reduction
    public let zeroInfinity: Bool
    /// PyTorch: `nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False)`.
    public init(blank: Int = 0, reduction: F.Reduction = .mean, zeroInfinity: Bool = false) {
        (self.blank, self.reduction, self.zeroInfinity) = (blank, reduction, zeroInfinity)
        super.init()
    }
    /// PyTorch: `loss(log_probs, targets, input_lengths, target_lengths)`.
    public func callAsFunction(_ logProbs: Tensor, _ targets: Tensor, inputLengths: [Int], targetLengths: [Int]) -> Tensor {
        F.ctcLoss(logProbs, targets, inputLengths: inputLengths, targetLengths: targetLengths, blank: blank,
                  reduction: reduction, zeroInfinity: zeroInfinity)
    }
}
