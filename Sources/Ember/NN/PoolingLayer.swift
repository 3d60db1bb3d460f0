/// What the max-pooling layers share: window arguments and their printed form; `stride`
/// defaults to `kernelSize`. PyTorch: `torch.nn.modules.pooling._MaxPoolNd`.
public class MaxPoolBase: Module {
    public let kernelSize: IntOrTuple, stride: IntOrTuple, padding: IntOrTuple, dilation: IntOrTuple
    public let ceilMode: Bool

    init(_ kernelSize: IntOrTuple, stride: IntOrTuple?, padding: IntOrTuple, dilation: IntOrTuple, ceilMode: Bool) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        super.init()
    }

    public override var extraRepr: String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(PyRepr.bool(ceilMode))"
    }
}

/// Max pooling over the last dim of `(N, C, L)` or `(C, L)` input. PyTorch: `torch.nn.MaxPool1d`.
public final class MaxPool1d: MaxPoolBase {
    /// PyTorch: `nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`.
    public override init(_ kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
                         dilation: IntOrTuple = 1, ceilMode: Bool = false) {
        super.init(kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 2 || input.dim == 3, "expected 2-D or 3-D input, got \(shapeString(input.shape))")
        return F.maxPool1d(input, kernelSize: kernelSize.values, stride: stride.values, padding: padding.values,
                           dilation: dilation.values, ceilMode: ceilMode)
    }
}

/// Max pooling over the last two dims of `(N, C, H, W)` or `(C, H, W)` input. PyTorch: `torch.nn.MaxPool2d`.
public final class MaxPool2d: MaxPoolBase {
    /// PyTorch: `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`.
    public override init(_ kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0,
                         dilation: IntOrTuple = 1, ceilMode: Bool = false) {
        super.init(kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 3 || input.dim == 4, "expected 3-D or 4-D input, got \(shapeString(input.shape))")
        return F.maxPool2d(input, kernelSize: kernelSize.values, stride: stride.values, padding: padding.values,
                           dilation: dilation.values, ceilMode: ceilMode)
    }
}

/// Average pooling over the last dim of `(N, C, L)` or `(C, L)` input. PyTorch: `torch.nn.AvgPool1d`.
public final class AvgPool1d: Module {
    public let kernelSize: Int, stride: Int, padding: Int
    public let ceilMode: Bool, countIncludePad: Bool

    /// PyTorch: `nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`.
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 2 || input.dim == 3, "expected 2-D or 3-D input, got \(shapeString(input.shape))")
        return F.avgPool1d(input, kernelSize: [kernelSize], stride: [stride], padding: [padding], ceilMode: ceilMode,
                           countIncludePad: countIncludePad)
    }

    /// PyTorch stores these as 1-tuples, so they print as `(2,)`.
    public override var extraRepr: String {
        "kernel_size=\(PyRepr.tuple([kernelSize])), stride=\(PyRepr.tuple([stride])), padding=\(PyRepr.tuple([padding]))"
    }
}

/// Average pooling over the last two dims of `(N, C, H, W)` or `(C, H, W)` input.
/// PyTorch: `torch.nn.AvgPool2d`.
public final class AvgPool2d: Module {
    public let kernelSize: IntOrTuple, stride: IntOrTuple, padding: IntOrTuple
    public let ceilMode: Bool, countIncludePad: Bool
    public let divisorOverride: Int?

    /// PyTorch: `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False,
    /// count_include_pad=True, divisor_override=None)`.
    public init(_ kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 3 || input.dim == 4, "expected 3-D or 4-D input, got \(shapeString(input.shape))")
        return F.avgPool2d(input, kernelSize: kernelSize.values, stride: stride.values, padding: padding.values,
                           ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    public override var extraRepr: String { "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)" }
}

/// What the adaptive pooling layers share: the target size, its printed form and the input
/// check. PyTorch: `_AdaptiveAvgPoolNd` / `_AdaptiveMaxPoolNd`.
public class AdaptivePoolBase: Module {
    public let outputSize: IntOrTuple

    init(outputSize: IntOrTuple) {
        self.outputSize = outputSize
        super.init()
    }

    /// The input, checked to be `(N, C, H, W)` or `(C, H, W)`.
    func checked(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 3 || input.dim == 4, "expected 3-D or 4-D input, got \(shapeString(input.shape))")
        return input
    }

    public override var extraRepr: String { "output_size=\(outputSize)" }
}

/// Average pooling to a fixed `(H, W)` output size over `(N, C, H, W)` or `(C, H, W)` input.
/// PyTorch: `torch.nn.AdaptiveAvgPool2d`.
public final class AdaptiveAvgPool2d: AdaptivePoolBase {
    /// PyTorch: `nn.AdaptiveAvgPool2d(output_size)`.
    public init(_ outputSize: IntOrTuple) { super.init(outputSize: outputSize) }

    public override func forward(_ input: Tensor) -> Tensor {
        F.adaptiveAvgPool2d(checked(input), outputSize: outputSize.values)
    }
}

/// Max pooling to a fixed `(H, W)` output size over `(N, C, H, W)` or `(C, H, W)` input.
/// PyTorch: `torch.nn.AdaptiveMaxPool2d`.
public final class AdaptiveMaxPool2d: AdaptivePoolBase {
    /// PyTorch: `nn.AdaptiveMaxPool2d(output_size)`.
    public init(_ outputSize: IntOrTuple) { super.init(outputSize: outputSize) }

    public override func forward(_ input: Tensor) -> Tensor {
        F.adaptiveMaxPool2d(checked(input), outputSize: outputSize.values)
    }
}
