// The 3-D, 1-D adaptive, power-average and unpooling layers, each applying its `F` function.

/// Max pooling over the last three dims of `(N, C, D, H, W)` or `(C, D, H, W)` input.
/// PyTorch: `torch.nn.MaxPool3d` (dilation 1, floor mode).
public final class MaxPool3d: MaxPoolBase {
    /// PyTorch: `nn.MaxPool3d(kernel_size, stride=None, padding=0)`.
    public init(_ kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0) {
        super.init(kernelSize, stride: stride, padding: padding, dilation: 1, ceilMode: false)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 4 || input.dim == 5, "expected 4-D or 5-D input, got \(shapeString(input.shape))")
        return F.maxPool3d(input, kernelSize: kernelSize.values, stride: stride.values, padding: padding.values)
    }
}

/// Average pooling over the last three dims, the padding counted. PyTorch: `torch.nn.AvgPool3d`.
public final class AvgPool3d: Module {
    public let kernelSize: IntOrTuple, stride: IntOrTuple, padding: IntOrTuple

    /// PyTorch: `nn.AvgPool3d(kernel_size, stride=None, padding=0)`.
    public init(_ kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 4 || input.dim == 5, "expected 4-D or 5-D input, got \(shapeString(input.shape))")
        return F.avgPool3d(input, kernelSize: kernelSize.values, stride: stride.values, padding: padding.values)
    }
    public override var extraRepr: String { "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)" }
}

/// Adaptive average pooling over the last dim to `outputSize`. PyTorch: `torch.nn.AdaptiveAvgPool1d`.
public final class AdaptiveAvgPool1d: Module {
    public let outputSize: Int
    /// PyTorch: `nn.AdaptiveAvgPool1d(output_size)`.
    public init(_ outputSize: Int) { self.outputSize = outputSize; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.adaptiveAvgPool1d(input, outputSize: outputSize) }
    public override var extraRepr: String { "output_size=\(outputSize)" }
}

/// Adaptive max pooling over the last dim to `outputSize`. PyTorch: `torch.nn.AdaptiveMaxPool1d`.
public final class AdaptiveMaxPool1d: Module {
    public let outputSize: Int
    /// PyTorch: `nn.AdaptiveMaxPool1d(output_size)`.
    public init(_ outputSize: Int) { self.outputSize = outputSize; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.adaptiveMaxPool1d(input, outputSize: outputSize) }
    public override var extraRepr: String { "output_size=\(outputSize)" }
}

/// Adaptive average pooling over the last three dims. PyTorch: `torch.nn.AdaptiveAvgPool3d`.
public final class AdaptiveAvgPool3d: Module {
    public let outputSize: IntOrTuple
    /// PyTorch: `nn.AdaptiveAvgPool3d(output_size)`.
    public init(_ outputSize: IntOrTuple) { self.outputSize = outputSize; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.adaptiveAvgPool3d(input, outputSize: outputSize.values) }
    public override var extraRepr: String { "output_size=\(outputSize)" }
}

/// Power-average pooling over the last dim. PyTorch: `torch.nn.LPPool1d`.
public final class LPPool1d: Module {
    public let normType: Double
    public let kernelSize: Int, stride: Int?
    public let ceilMode: Bool
    /// PyTorch: `nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False)`.
    public init(_ normType: Double, _ kernelSize: Int, stride: Int? = nil, ceilMode: Bool = false) {
        (self.normType, self.kernelSize, self.stride, self.ceilMode) = (normType, kernelSize, stride, ceilMode)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        F.lpPool1d(input, normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
    public override var extraRepr: String {
        "norm_type=\(PyRepr.float(normType)), kernel_size=\(kernelSize), stride=\(stride.map(String.init) ?? "None"), ceil_mode=\(PyRepr.bool(ceilMode))"
    }
}

/// Power-average pooling over the last two dims. PyTorch: `torch.nn.LPPool2d`.
public final class LPPool2d: Module {
    public let normType: Double
    public let kernelSize: IntOrTuple, stride: IntOrTuple?
    public let ceilMode: Bool
    /// PyTorch: `nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False)`.
    public init(_ normType: Double, _ kernelSize: IntOrTuple, stride: IntOrTuple? = nil, ceilMode: Bool = false) {
        (self.normType, self.kernelSize, self.stride, self.ceilMode) = (normType, kernelSize, stride, ceilMode)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        F.lpPool2d(input, normType: normType, kernelSize: kernelSize.values, stride: stride?.values, ceilMode: ceilMode)
    }
    public override var extraRepr: String {
        "norm_type=\(PyRepr.float(normType)), kernel_size=\(kernelSize), stride=\(stride.map(\.description) ?? "None"), ceil_mode=\(PyRepr.bool(ceilMode))"
    }
}

/// The inverse of `MaxPool2d` given its indices, called as `unpool(output, indices)`.
/// PyTorch: `torch.nn.MaxUnpool2d`.
public final class MaxUnpool2d: Module {
    public let kernelSize: [Int], stride: [Int], padding: [Int]
    /// PyTorch: `nn.MaxUnpool2d(kernel_size, stride=None, padding=0)`.
    public init(_ kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0) {
        self.kernelSize = kernelSize.expanded(2, "kernel_size", "MaxUnpool2d")
        self.stride = (stride ?? kernelSize).expanded(2, "stride", "MaxUnpool2d")
        self.padding = padding.expanded(2, "padding", "MaxUnpool2d")
        super.init()
    }
    public override func forward(_ input: Tensor, _ indices: Tensor) -> Tensor {
        F.maxUnpool2d(input, indices: indices, kernelSize: kernelSize, stride: stride, padding: padding)
    }
    public override var extraRepr: String {
        "kernel_size=\(PyRepr.tuple(kernelSize)), stride=\(PyRepr.tuple(stride)), padding=\(PyRepr.tuple(padding))"
    }
}
