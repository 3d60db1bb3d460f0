// Activations as modules, each applying its `F` function. `inplace` layers overwrite their input
// where Ember has the in-place op (ReLU, ReLU6, Hardtanh); the others return a new tensor and keep
// the flag for printing where PyTorch prints it.

/// `max(0, x)`. PyTorch: `torch.nn.ReLU`.
public final class ReLU: Module {
    public let inplace: Bool
    /// PyTorch: `nn.ReLU(inplace=False)`.
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { inplace ? input.relu_() : input.relu() }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// Clamps to `[minVal, maxVal]`. PyTorch: `torch.nn.Hardtanh`.
public class Hardtanh: Module {
    public let minVal: Double
    public let maxVal: Double
    public let inplace: Bool
    /// PyTorch: `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`.
    public init(minVal: Double = -1, maxVal: Double = 1, inplace: Bool = false) {
        check(maxVal > minVal, "Hardtanh: max_val must be greater than min_val")
        self.minVal = minVal
        self.maxVal = maxVal
        self.inplace = inplace
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        inplace ? input.clamp_(min: minVal, max: maxVal) : F.hardtanh(input, minVal: minVal, maxVal: maxVal)
    }
    public override var extraRepr: String {
        "min_val=\(PyRepr.float(minVal)), max_val=\(PyRepr.float(maxVal))" + (inplace ? ", inplace=True" : "")
    }
}

/// `min(max(0, x), 6)`. PyTorch: `torch.nn.ReLU6`.
public final class ReLU6: Hardtanh {
    /// PyTorch: `nn.ReLU6(inplace=False)`.
    public init(inplace: Bool = false) { super.init(minVal: 0, maxVal: 6, inplace: inplace) }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// `x` for positive inputs, `negativeSlope * x` otherwise. PyTorch: `torch.nn.LeakyReLU`.
public final class LeakyReLU: Module {
    public let negativeSlope: Double
    public let inplace: Bool
    /// PyTorch: `nn.LeakyReLU(negative_slope=0.01, inplace=False)`.
    public init(negativeSlope: Double = 0.01, inplace: Bool = false) {
        self.negativeSlope = negativeSlope
        self.inplace = inplace
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.leakyRelu(input, negativeSlope: negativeSlope) }
    public override var extraRepr: String { "negative_slope=\(PyRepr.float(negativeSlope))" + (inplace ? ", inplace=True" : "") }
}

/// `x` for positive inputs, `alpha * (exp(x) - 1)` otherwise. PyTorch: `torch.nn.ELU`.
public final class ELU: Module {
    public let alpha: Double
    public let inplace: Bool
    /// PyTorch: `nn.ELU(alpha=1.0, inplace=False)`.
    public init(alpha: Double = 1, inplace: Bool = false) {
        self.alpha = alpha
        self.inplace = inplace
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.elu(input, alpha: alpha) }
    public override var extraRepr: String { "alpha=\(PyRepr.float(alpha))" + (inplace ? ", inplace=True" : "") }
}

/// Gaussian error linear unit, exact (`"none"`) or tanh-approximated (`"tanh"`). PyTorch: `torch.nn.GELU`.
public final class GELU: Module {
    public let approximate: String
    /// PyTorch: `nn.GELU(approximate='none')`.
    public init(approximate: String = "none") {
        check(approximate == "none" || approximate == "tanh", "approximate argument must be either none or tanh.")
        self.approximate = approximate
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.gelu(input, approximate: approximate) }
    public override var extraRepr: String { "approximate='\(approximate)'" }
}

/// `x * sigmoid(x)`. PyTorch: `torch.nn.SiLU`.
public final class SiLU: Module {
    public let inplace: Bool
    /// PyTorch: `nn.SiLU(inplace=False)`.
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.silu(input) }
    public override var extraRepr: String { inplace ? "inplace=True" : "" }
}

/// `1 / (1 + exp(-x))`. PyTorch: `torch.nn.Sigmoid`.
public final class Sigmoid: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// Hyperbolic tangent. PyTorch: `torch.nn.Tanh`.
public final class Tanh: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.tanh() }
}

/// `log(1 + exp(beta * x)) / beta`, linear above `threshold`. PyTorch: `torch.nn.Softplus`.
public final class Softplus: Module {
    public let beta: Double
    public let threshold: Double
    /// PyTorch: `nn.Softplus(beta=1.0, threshold=20.0)`.
    public init(beta: Double = 1, threshold: Double = 20) {
        self.beta = beta
        self.threshold = threshold
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.softplus(input, beta: beta, threshold: threshold) }
    public override var extraRepr: String { "beta=\(PyRepr.float(beta)), threshold=\(PyRepr.float(threshold))" }
}

/// Softmax along `dim`. PyTorch: `torch.nn.Softmax`.
public final class Softmax: Module {
    public let dim: Int
    /// PyTorch: `nn.Softmax(dim)`.
    public init(dim: Int) { self.dim = dim; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.softmax(dim: dim) }
    public override var extraRepr: String { "dim=\(dim)" }
}

/// Log-softmax along `dim`. PyTorch: `torch.nn.LogSoftmax`.
public final class LogSoftmax: Module {
    public let dim: Int
    /// PyTorch: `nn.LogSoftmax(dim)`.
    public init(dim: Int) { self.dim = dim; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.logSoftmax(dim: dim) }
    public override var extraRepr: String { "dim=\(dim)" }
}

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
