/// What convolution layers share: sizes, the weight and bias, PyTorch's initialization and
/// printed form. PyTorch: `torch.nn.modules.conv._ConvNd`.
public class ConvLayer: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: [Int]
    public let stride: [Int]
    public let padding: ConvPadding
    public let dilation: [Int]
    public let groups: Int
    /// `"zeros"`, `"reflect"`, `"replicate"` or `"circular"`.
    public let paddingMode: String
    /// `(out, in/groups, k...)`, or `(in, out/groups, k...)` for transposed convolutions.
    @Parameter public var weight: Tensor
    /// `(outChannels)`, nil when built with `bias: false`.
    @Parameter public var bias: Tensor?
    /// The explicit padding per spatial dim (zeros for `same`/`valid`, which are printed by name).
    let explicitPadding: [Int]
    /// Extra size added to one side of the output of a transposed convolution.
    let outputPadding: [Int]

    init(_ name: String, dims n: Int, _ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple,
         stride: IntOrTuple, padding: ConvPadding, dilation: IntOrTuple, groups: Int, bias: Bool,
         paddingMode: String, outputPadding: IntOrTuple = 0, transposed: Bool, dtype: DType, generator: Generator?) {
        check(groups > 0, "\(name): groups must be a positive integer")
        check(inChannels % groups == 0, "\(name): in_channels must be divisible by groups")
        check(outChannels % groups == 0, "\(name): out_channels must be divisible by groups")
        check(["zeros", "reflect", "replicate", "circular"].contains(paddingMode),
              "\(name): padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='\(paddingMode)'")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize.expanded(n, "kernel_size", name)
        self.stride = stride.expanded(n, "stride", name)
        self.dilation = dilation.expanded(n, "dilation", name)
        self.groups = groups
        self.paddingMode = paddingMode
        self.padding = padding
        switch padding {
        case .explicit(let p):
            explicitPadding = p.count == 1 ? Array(repeating: p[0], count: n) : IntOrTuple(p).expanded(n, "padding", name)
        default:
            explicitPadding = Array(repeating: 0, count: n)
            check(padding.isValid || self.stride.allSatisfy { $0 == 1 },
                  "\(name): padding='same' is not supported for strided convolutions")
        }
        self.outputPadding = outputPadding.expanded(n, "output_padding", name)
        let shape = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups]
        self.weight = Tensor.empty(shape + self.kernelSize, dtype: dtype)
        self.bias = bias ? Tensor.empty([outChannels], dtype: dtype) : nil
        super.init()
        resetParameters(generator: generator)
    }

    /// Redraws the weight and bias as at construction. PyTorch: `reset_parameters()`.
    public func resetParameters(generator: Generator? = nil) {
        resetAffine(weight, bias, fanIn: Init.fans(weight).fanIn, generator: generator)
    }

    /// Checks a `(N, C, spatial...)` or unbatched `(C, spatial...)` input's rank and channels.
    func checkConvInput(_ input: Tensor, spatialDims n: Int) {
        checkInput(input.dim == n + 1 || input.dim == n + 2,
                   "expected \(n + 1)-D (unbatched) or \(n + 2)-D (batched) input, got \(shapeString(input.shape))")
        checkInput(input.shape[input.dim - n - 1] == inChannels,
                   "expected input with \(inChannels) channels, got \(shapeString(input.shape))")
    }

    /// The input padded by `paddingMode` when it is not zeros (the convolution then pads nothing);
    /// `same` puts the odd extra on the right, as PyTorch does.
    func modePadded(_ input: Tensor) -> Tensor {
        guard paddingMode != "zeros" else { return input }
        let pairs = (0..<kernelSize.count).reversed().flatMap { i -> [Int] in
            guard case .same = padding else { return [explicitPadding[i], explicitPadding[i]] }
            let total = dilation[i] * (kernelSize[i] - 1)
            return [total / 2, total - total / 2]
        }
        return F.pad(input, pairs, mode: paddingMode)
    }

    /// The padding to pass to the convolution itself.
    var convPadding: ConvPadding { paddingMode == "zeros" ? padding : .explicit([0]) }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(PyRepr.tuple(kernelSize)), stride=\(PyRepr.tuple(stride))"
        switch padding {
        case .same: s += ", padding=same"
        case .valid: s += ", padding=valid"
        case .explicit: if explicitPadding.contains(where: { $0 != 0 }) { s += ", padding=\(PyRepr.tuple(explicitPadding))" }
        }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(PyRepr.tuple(dilation))" }
        if outputPadding.contains(where: { $0 != 0 }) { s += ", output_padding=\(PyRepr.tuple(outputPadding))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        if paddingMode != "zeros" { s += ", padding_mode=\(paddingMode)" }
        return s
    }
}

extension ConvPadding {
    var isValid: Bool { if case .valid = self { true } else { false } }
}

/// 1-D convolution over `(N, C, L)` or `(C, L)` input. PyTorch: `torch.nn.Conv1d`.
public final class Conv1d: ConvLayer {
    /// PyTorch: `nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
    /// groups=1, bias=True, padding_mode='zeros')`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: ConvPadding = 0, dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true,
                paddingMode: String = "zeros", dtype: DType = .float32, generator: Generator? = nil) {
        super.init("Conv1d", dims: 1, inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                   padding: padding, dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode,
                   transposed: false, dtype: dtype, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkConvInput(input, spatialDims: 1)
        return F.conv1d(modePadded(input), weight, bias, stride: stride[0], padding: convPadding,
                        dilation: dilation[0], groups: groups)
    }
}

/// 2-D convolution over `(N, C, H, W)` or `(C, H, W)` input. PyTorch: `torch.nn.Conv2d`.
public final class Conv2d: ConvLayer {
    /// PyTorch: `nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
    /// groups=1, bias=True, padding_mode='zeros')`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: ConvPadding = 0, dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true,
                paddingMode: String = "zeros", dtype: DType = .float32, generator: Generator? = nil) {
        super.init("Conv2d", dims: 2, inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                   padding: padding, dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode,
                   transposed: false, dtype: dtype, generator: generator)
    }

    /// The textbook's positional form, `Conv2d(1, 6, 5)`.
    public convenience init(_ inChannels: Int, _ outChannels: Int, _ kernelSize: Int) {
        self.init(inChannels, outChannels, kernelSize: IntOrTuple(kernelSize))
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkConvInput(input, spatialDims: 2)
        return F.conv2d(modePadded(input), weight, bias, stride: stride, padding: convPadding, dilation: dilation,
                        groups: groups)
    }
}

/// 2-D transposed convolution, weight `(in, out/groups, kH, kW)`. PyTorch: `torch.nn.ConvTranspose2d`.
public final class ConvTranspose2d: ConvLayer {
    /// PyTorch: `nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    /// output_padding=0, groups=1, bias=True, dilation=1)`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: IntOrTuple = 0, outputPadding: IntOrTuple = 0, groups: Int = 1, bias: Bool = true,
                dilation: IntOrTuple = 1, dtype: DType = .float32, generator: Generator? = nil) {
        super.init("ConvTranspose2d", dims: 2, inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                   padding: .explicit(padding.expanded(2, "padding", "ConvTranspose2d")), dilation: dilation,
                   groups: groups, bias: bias, paddingMode: "zeros", outputPadding: outputPadding, transposed: true,
                   dtype: dtype, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkConvInput(input, spatialDims: 2)
        return F.convTranspose2d(input, weight, bias, stride: stride, padding: explicitPadding,
                                 outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

/// 3-D convolution over `(N, C, D, H, W)` or `(C, D, H, W)` input (zero padding). PyTorch: `torch.nn.Conv3d`.
public final class Conv3d: ConvLayer {
    /// PyTorch: `nn.Conv3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True)`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: IntOrTuple = 0, dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true,
                dtype: DType = .float32, generator: Generator? = nil) {
        super.init("Conv3d", dims: 3, inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                   padding: .explicit(padding.expanded(3, "padding", "Conv3d")), dilation: dilation, groups: groups,
                   bias: bias, paddingMode: "zeros", transposed: false, dtype: dtype, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkConvInput(input, spatialDims: 3)
        return F.conv3d(input, weight, bias, stride: stride, padding: explicitPadding, dilation: dilation, groups: groups)
    }
}

/// 1-D transposed convolution, weight `(in, out/groups, k)`. PyTorch: `torch.nn.ConvTranspose1d`.
public final class ConvTranspose1d: ConvLayer {
    /// PyTorch: `nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    /// output_padding=0, groups=1, bias=True, dilation=1)`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: IntOrTuple = 0, outputPadding: IntOrTuple = 0, groups: Int = 1, bias: Bool = true,
                dilation: IntOrTuple = 1, dtype: DType = .float32, generator: Generator? = nil) {
        super.init("ConvTranspose1d", dims: 1, inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                   padding: .explicit(padding.expanded(1, "padding", "ConvTranspose1d")), dilation: dilation,
                   groups: groups, bias: bias, paddingMode: "zeros", outputPadding: outputPadding, transposed: true,
                   dtype: dtype, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkConvInput(input, spatialDims: 1)
        return F.convTranspose1d(input, weight, bias, stride: stride[0], padding: explicitPadding[0],
                                 outputPadding: outputPadding[0], groups: groups, dilation: dilation[0])
    }
}

/// 3-D transposed convolution, weight `(in, out/groups, kD, kH, kW)`. PyTorch: `torch.nn.ConvTranspose3d`.
public final class ConvTranspose3d: ConvLayer {
    /// PyTorch: `nn.ConvTranspose3d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    /// output_padding=0, groups=1, bias=True, dilation=1)`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: IntOrTuple = 0, outputPadding: IntOrTuple = 0, groups: Int = 1, bias: Bool = true,
                dilation: IntOrTuple = 1, dtype: DType = .float32, generator: Generator? = nil) {
        super.init("ConvTranspose3d", dims: 3, inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                   padding: .explicit(padding.expanded(3, "padding", "ConvTranspose3d")), dilation: dilation,
                   groups: groups, bias: bias, paddingMode: "zeros", outputPadding: outputPadding, transposed: true,
                   dtype: dtype, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkConvInput(input, spatialDims: 3)
        return F.convTranspose3d(input, weight, bias, stride: stride, padding: explicitPadding,
                                 outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}
