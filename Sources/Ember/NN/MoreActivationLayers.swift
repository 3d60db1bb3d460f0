// The rest of PyTorch's activation modules: each applies its `F` function. `inplace` is kept for
// printing where PyTorch prints it; the result is a new tensor.

/// `scale · elu(x, alpha)` with SELU's constants. PyTorch: `torch.nn.SELU`.
public final class SELU: Module {
    public let inplace: Bool
    /// PyTorch: `nn.SELU(inplace=False)`.
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.selu(input) }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// `x > 0 ? x : alpha · (e^(x / alpha) − 1)`. PyTorch: `torch.nn.CELU`.
public final class CELU: Module {
    public let alpha: Double
    public let inplace: Bool
    /// PyTorch: `nn.CELU(alpha=1.0, inplace=False)`.
    public init(alpha: Double = 1, inplace: Bool = false) {
        self.alpha = alpha
        self.inplace = inplace
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.celu(input, alpha: alpha) }
    public override var extraRepr: String { "alpha=\(PyRepr.float(alpha))" + (inplace ? ", inplace=True" : "") }
}

/// `clamp(x / 6 + 1/2, 0, 1)`. PyTorch: `torch.nn.Hardsigmoid`.
public final class Hardsigmoid: Module {
    public let inplace: Bool
    /// PyTorch: `nn.Hardsigmoid(inplace=False)`.
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.hardsigmoid(input) }
}

/// `x · hardsigmoid(x)`. PyTorch: `torch.nn.Hardswish`.
public final class Hardswish: Module {
    public let inplace: Bool
    /// PyTorch: `nn.Hardswish(inplace=False)`.
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.hardswish(input) }
}

/// `x · tanh(softplus(x))`. PyTorch: `torch.nn.Mish`.
public final class Mish: Module {
    public let inplace: Bool
    /// PyTorch: `nn.Mish(inplace=False)`.
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.mish(input) }
}

/// `x / (1 + |x|)`. PyTorch: `torch.nn.Softsign`.
public final class Softsign: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.softsign(input) }
}

/// `x − tanh(x)`. PyTorch: `torch.nn.Tanhshrink`.
public final class Tanhshrink: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.tanhshrink(input) }
}

/// `softmax(−x)` along `dim`. PyTorch: `torch.nn.Softmin`.
public final class Softmin: Module {
    public let dim: Int
    /// PyTorch: `nn.Softmin(dim)`.
    public init(dim: Int) { self.dim = dim; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.softmin(input, dim: dim) }
    public override var extraRepr: String { "dim=\(dim)" }
}

/// The gated linear unit along `dim`. PyTorch: `torch.nn.GLU`.
public final class GLU: Module {
    public let dim: Int
    /// PyTorch: `nn.GLU(dim=-1)`.
    public init(dim: Int = -1) { self.dim = dim; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.glu(input, dim: dim) }
    public override var extraRepr: String { "dim=\(dim)" }
}

/// `x` where positive, `weight · x` elsewhere, with a learned slope (one, or one per channel).
/// PyTorch: `torch.nn.PReLU`.
public final class PReLU: Module {
    public let numParameters: Int
    /// `(numParameters)`, every slope `init` at first.
    @Parameter public var weight: Tensor

    /// PyTorch: `nn.PReLU(num_parameters=1, init=0.25)`.
    public init(numParameters: Int = 1, init value: Double = 0.25, dtype: DType = .float32) {
        self.numParameters = numParameters
        self.weight = Tensor.full([numParameters], value, dtype: dtype)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.prelu(input, weight: weight) }
    public override var extraRepr: String { "num_parameters=\(numParameters)" }
}

/// `x` where `x > threshold`, else `value`. PyTorch: `torch.nn.Threshold`.
public final class Threshold: Module {
    public let threshold: Double
    public let value: Double
    public let inplace: Bool
    /// PyTorch: `nn.Threshold(threshold, value, inplace=False)`.
    public init(_ threshold: Double, _ value: Double, inplace: Bool = false) {
        self.threshold = threshold
        self.value = value
        self.inplace = inplace
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.threshold(input, threshold: threshold, value: value) }
    public override var extraRepr: String {
        "threshold=\(PyRepr.float(threshold)), value=\(PyRepr.float(value))" + (inplace ? ", inplace=True" : "")
    }
}

/// 0 inside `[-lambd, lambd]`, `x` outside. PyTorch: `torch.nn.Hardshrink`.
public final class Hardshrink: Module {
    public let lambd: Double
    /// PyTorch: `nn.Hardshrink(lambd=0.5)`.
    public init(lambd: Double = 0.5) { self.lambd = lambd; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.hardshrink(input, lambd: lambd) }
    public override var extraRepr: String { PyRepr.float(lambd) }
}

/// `x ∓ lambd` outside `[-lambd, lambd]`, 0 inside. PyTorch: `torch.nn.Softshrink`.
public final class Softshrink: Module {
    public let lambd: Double
    /// PyTorch: `nn.Softshrink(lambd=0.5)`.
    public init(lambd: Double = 0.5) { self.lambd = lambd; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.softshrink(input, lambd: lambd) }
    public override var extraRepr: String { PyRepr.float(lambd) }
}
