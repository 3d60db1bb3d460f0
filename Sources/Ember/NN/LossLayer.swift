// Losses as modules, called as `loss(input, target)`. Class weights are buffers, as in PyTorch,
// so they follow `to(dtype)` and appear in the state dict.

/// Cross entropy of logits against class indices or probabilities. PyTorch: `torch.nn.CrossEntropyLoss`.
public final class CrossEntropyLoss: Module {
    /// Per-class weights `(C)`, or nil.
    @Buffer public var weight: Tensor?
    public let ignoreIndex: Int
    public let reduction: F.Reduction
    public let labelSmoothing: Double

    /// PyTorch: `nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)`.
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: F.Reduction = .mean, labelSmoothing: Double = 0) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
        super.init()
    }

    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.crossEntropy(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
                       labelSmoothing: labelSmoothing)
    }
}

/// Negative log-likelihood of class indices under log-probabilities. PyTorch: `torch.nn.NLLLoss`.
public final class NLLLoss: Module {
    /// Per-class weights `(C)`, or nil.
    @Buffer public var weight: Tensor?
    public let ignoreIndex: Int
    public let reduction: F.Reduction

    /// PyTorch: `nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')`.
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: F.Reduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        super.init()
    }

    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}

/// Mean squared error. PyTorch: `torch.nn.MSELoss`.
public final class MSELoss: Module {
    public let reduction: F.Reduction
    /// PyTorch: `nn.MSELoss(reduction='mean')`.
    public init(reduction: F.Reduction = .mean) { self.reduction = reduction; super.init() }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.mseLoss(input, target, reduction: reduction)
    }
}

/// Mean absolute error. PyTorch: `torch.nn.L1Loss`.
public final class L1Loss: Module {
    public let reduction: F.Reduction
    /// PyTorch: `nn.L1Loss(reduction='mean')`.
    public init(reduction: F.Reduction = .mean) { self.reduction = reduction; super.init() }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.l1Loss(input, target, reduction: reduction)
    }
}

/// Squared error below `delta`, linear above it. PyTorch: `torch.nn.HuberLoss`.
public final class HuberLoss: Module {
    public let reduction: F.Reduction
    public let delta: Double
    /// PyTorch: `nn.HuberLoss(reduction='mean', delta=1.0)`.
    public init(reduction: F.Reduction = .mean, delta: Double = 1) {
        self.reduction = reduction
        self.delta = delta
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.huberLoss(input, target, reduction: reduction, delta: delta)
    }
}

/// Squared error divided by `beta` below `beta`, L1 above it. PyTorch: `torch.nn.SmoothL1Loss`.
public final class SmoothL1Loss: Module {
    public let reduction: F.Reduction
    public let beta: Double
    /// PyTorch: `nn.SmoothL1Loss(reduction='mean', beta=1.0)`.
    public init(reduction: F.Reduction = .mean, beta: Double = 1) {
        self.reduction = reduction
        self.beta = beta
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.smoothL1Loss(input, target, reduction: reduction, beta: beta)
    }
}

/// Binary cross entropy of probabilities. PyTorch: `torch.nn.BCELoss`.
public final class BCELoss: Module {
    /// Element weights broadcast against the loss, or nil.
    @Buffer public var weight: Tensor?
    public let reduction: F.Reduction
    /// PyTorch: `nn.BCELoss(weight=None, reduction='mean')`.
    public init(weight: Tensor? = nil, reduction: F.Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }
}

/// Binary cross entropy of logits, computed stably. PyTorch: `torch.nn.BCEWithLogitsLoss`.
public final class BCEWithLogitsLoss: Module {
    /// Element weights broadcast against the loss, or nil.
    @Buffer public var weight: Tensor?
    /// Weights of the positive term per class, or nil. PyTorch: `pos_weight`.
    @Buffer public var posWeight: Tensor?
    public let reduction: F.Reduction
    /// PyTorch: `nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)`.
    public init(weight: Tensor? = nil, reduction: F.Reduction = .mean, posWeight: Tensor? = nil) {
        self.weight = weight
        self.posWeight = posWeight
        self.reduction = reduction
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.binaryCrossEntropyWithLogits(input, target, weight: weight, reduction: reduction, posWeight: posWeight)
    }
}

/// Kullback-Leibler divergence of `target` from log-probabilities `input`. PyTorch: `torch.nn.KLDivLoss`.
public final class KLDivLoss: Module {
    public let reduction: F.KLDivReduction
    public let logTarget: Bool
    /// PyTorch: `nn.KLDivLoss(reduction='mean', log_target=False)`.
    public init(reduction: F.KLDivReduction = .mean, logTarget: Bool = false) {
        self.reduction = reduction
        self.logTarget = logTarget
        super.init()
    }
    public override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.klDiv(input, target, reduction: reduction, logTarget: logTarget)
    }
}
