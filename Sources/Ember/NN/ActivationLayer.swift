// Activations as modules. `inplace` layers overwrite their input where Ember has the in-place
// op (ReLU, ReLU6, Hardtanh); the others return a new tensor and keep the flag for printing.

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
