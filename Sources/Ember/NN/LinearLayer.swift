/// `y = x Wᵀ + b` over the last dim. Weight `(out, in)` and bias start uniform in
/// ±1/sqrt(in) (kaiming-uniform with a = √5). PyTorch: `torch.nn.Linear`.
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    /// `(outFeatures, inFeatures)`.
    @Parameter public var weight: Tensor
    /// `(outFeatures)`, nil when built with `bias: false`.
    @Parameter public var bias: Tensor?

    /// PyTorch: `nn.Linear(in_features, out_features, bias=True, dtype=None)`.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32,
                generator: Generator? = nil) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = Tensor.empty([outFeatures, inFeatures], dtype: dtype)
        self.bias = bias ? Tensor.empty([outFeatures], dtype: dtype) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Redraws the weight and bias as at construction. PyTorch: `reset_parameters()`.
    public func resetParameters(generator: Generator? = nil) {
        resetAffine(weight, bias, fanIn: inFeatures, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim >= 1 && input.shape.last == inFeatures,
                   "expected input with last dimension \(inFeatures), got \(shapeString(input.shape))")
        return F.linear(input, weight, bias)
    }

    public override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(PyRepr.bool(bias != nil))"
    }
}

/// Linear and convolution layers' default initialization: kaiming-uniform (a = √5) weight, bias
/// uniform in ±1/sqrt(fanIn).
func resetAffine(_ weight: Tensor, _ bias: Tensor?, fanIn: Int, generator: Generator?) {
    Init.kaimingUniform_(weight, a: 5.0.squareRoot(), generator: generator)
    if let bias {
        let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
        Init.uniform_(bias, a: -bound, b: bound, generator: generator)
    }
}

/// `y = x1ᵀ A x2 + b` for each output feature, with weight `(out, in1, in2)`; weight and bias
/// start uniform in ±1/sqrt(in1). PyTorch: `torch.nn.Bilinear`.
public final class Bilinear: Module {
    public let in1Features: Int
    public let in2Features: Int
    public let outFeatures: Int
    /// `(outFeatures, in1Features, in2Features)`.
    @Parameter public var weight: Tensor
    /// `(outFeatures)`, nil when built with `bias: false`.
    @Parameter public var bias: Tensor?

    /// PyTorch: `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`.
    public init(_ in1Features: Int, _ in2Features: Int, _ outFeatures: Int, bias: Bool = true,
                dtype: DType = .float32, generator: Generator? = nil) {
        self.in1Features = in1Features
        self.in2Features = in2Features
        self.outFeatures = outFeatures
        self.weight = Tensor.empty([outFeatures, in1Features, in2Features], dtype: dtype)
        self.bias = bias ? Tensor.empty([outFeatures], dtype: dtype) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Redraws the weight and bias. PyTorch: `reset_parameters()`.
    public func resetParameters(generator: Generator? = nil) {
        let bound = 1 / Double(in1Features).squareRoot()
        Init.uniform_(weight, a: -bound, b: bound, generator: generator)
        if let bias { Init.uniform_(bias, a: -bound, b: bound, generator: generator) }
    }

    public override func forward(_ input1: Tensor, _ input2: Tensor) -> Tensor {
        checkInput(input1.dim >= 1 && input1.shape.last == in1Features,
                   "expected input1 with last dimension \(in1Features), got \(shapeString(input1.shape))")
        checkInput(input2.dim >= 1 && input2.shape.last == in2Features,
                   "expected input2 with last dimension \(in2Features), got \(shapeString(input2.shape))")
        checkInput(input1.shape.dropLast() == input2.shape.dropLast(),
                   "expected inputs with the same leading dimensions, got \(shapeString(input1.shape)) and \(shapeString(input2.shape))")
        let lead = Array(input1.shape.dropLast())
        let x1 = input1.reshape([-1, in1Features]), x2 = input2.reshape([-1, in2Features])
        // x1 · W[o] for every o at once, then the dot product with x2.
        let left = x1.matmul(weight.permute([1, 0, 2]).reshape([in1Features, outFeatures * in2Features]))
        var out = (left.reshape([-1, outFeatures, in2Features]) * x2.unsqueeze(1)).sum(dim: 2)
        if let bias { out = out + bias }
        return out.reshape(lead + [outFeatures])
    }

    public override var extraRepr: String {
        "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures), bias=\(PyRepr.bool(bias != nil))"
    }
}

/// Returns its input. PyTorch: `torch.nn.Identity`.
public final class Identity: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input }
}

/// Flattens dims `startDim...endDim` into one. PyTorch: `torch.nn.Flatten`.
public final class Flatten: Module {
    public let startDim: Int
    public let endDim: Int

    /// PyTorch: `nn.Flatten(start_dim=1, end_dim=-1)`.
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { input.flatten(startDim: startDim, endDim: endDim) }
    public override var extraRepr: String { "start_dim=\(startDim), end_dim=\(endDim)" }
}

/// Splits dim `dim` into `unflattenedSize`. PyTorch: `torch.nn.Unflatten`.
public final class Unflatten: Module {
    public let dim: Int
    public let unflattenedSize: [Int]

    /// PyTorch: `nn.Unflatten(dim, unflattened_size)`.
    public init(dim: Int, unflattenedSize: [Int]) {
        self.dim = dim
        self.unflattenedSize = unflattenedSize
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { input.unflatten(dim, unflattenedSize) }
    public override var extraRepr: String { "dim=\(dim), unflattened_size=\(PyRepr.tuple(unflattenedSize))" }
}
