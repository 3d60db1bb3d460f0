/// MobileNetV2's inverted residual block: a 1 × 1 expansion to `inChannels · expandRatio`
/// channels (left out when the ratio is 1), a 3 × 3 depthwise convolution (one group per
/// channel) carrying the stride, and a linear 1 × 1 projection, batch norm after each and ReLU6
/// after the first two; the input is added when the block keeps size and channels. Keys
/// `conv.0.weight`, … as `torch_ref.py`'s `InvertedResidual` (flat; torchvision nests each
/// convolution with its norm: `TorchVision.InvertedResidual`).
public final class InvertedResidual: Module {
    public let conv: Sequential
    /// Whether the input is added to the output (stride 1 and as many channels out as in).
    public let useResidual: Bool

    /// A block from `inChannels` to `outChannels`; `stride` 2 halves height and width.
    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, expandRatio: Int) {
        let hidden = inChannels * expandRatio
        var layers: [Module] = expandRatio == 1 ? [] :
            [Conv2d(inChannels, hidden, kernelSize: 1, bias: false), BatchNorm2d(hidden), ReLU6()]
        layers += [
            Conv2d(hidden, hidden, kernelSize: 3, stride: IntOrTuple(stride), padding: 1, groups: hidden, bias: false),
            BatchNorm2d(hidden), ReLU6(),
            Conv2d(hidden, outChannels, kernelSize: 1, bias: false), BatchNorm2d(outChannels),
        ]
        conv = Sequential(layers)
        useResidual = stride == 1 && inChannels == outChannels
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        useResidual ? x + conv(x) : conv(x)
    }
}

/// MobileNetV2 (width 1.0) for small images, as `torch_ref.py`'s `mobilenet_v2()` builds it: a
/// stride-2 3 × 3 convolution to 32 channels, seventeen inverted residual blocks, a 1 × 1
/// convolution to 1280 channels, a global average, dropout 0.2 and the output layer. A flat
/// `nn.Sequential`; torchvision's own layout (`features`, `classifier`) is
/// `TorchVision.MobileNetV2`.
public final class MobileNetV2: Sequential {
    /// The expansion ratio, output channels, repeats and first stride of each group of blocks,
    /// as the paper's table 2 (and torchvision's `inverted_residual_setting`) gives them.
    public static let settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                                  (6, 160, 3, 2), (6, 320, 1, 1)]

    /// MobileNetV2 for `inChannels`-channel images and `numClasses` classes.
    public init(inChannels: Int = 1, numClasses: Int = 10) {
        var layers: [Module] = [Conv2d(inChannels, 32, kernelSize: 3, stride: 2, padding: 1, bias: false),
                                BatchNorm2d(32), ReLU6()]
        var channels = 32
        for (t, out, n, s) in Self.settings {
            for i in 0..<n {
                layers.append(InvertedResidual(channels, out, stride: i == 0 ? s : 1, expandRatio: t))
                channels = out
            }
        }
        super.init(layers + [
            Conv2d(channels, 1280, kernelSize: 1, bias: false), BatchNorm2d(1280), ReLU6(),
            AdaptiveAvgPool2d(1), Flatten(), Dropout(p: 0.2), Linear(1280, numClasses),
        ])
    }
}
