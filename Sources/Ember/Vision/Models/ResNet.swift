/// The textbook's residual block: two 3 × 3 convolutions with batch norm, added to the input
/// (through a 1 × 1 convolution when `use1x1conv`, to change the channels or, with `stride`, the
/// size) before the last ReLU. Keys as `torch_ref.py`'s `Residual` (`conv1`, `conv2`, `conv3`
/// when present, `bn1`, `bn2`).
public final class Residual: Module {
    public let conv1: Conv2d
    public let conv2: Conv2d
    public let conv3: Conv2d?
    public let bn1: BatchNorm2d
    public let bn2: BatchNorm2d

    /// A block from `inChannels` to `outChannels`; `stride` 2 halves height and width.
    public init(_ inChannels: Int, _ outChannels: Int, use1x1conv: Bool = false, stride: Int = 1) {
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, stride: IntOrTuple(stride), padding: 1)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1)
        conv3 = use1x1conv ? Conv2d(inChannels, outChannels, kernelSize: 1, stride: IntOrTuple(stride)) : nil
        bn1 = BatchNorm2d(outChannels)
        bn2 = BatchNorm2d(outChannels)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let h = conv1.foldingNorm(x, bn1, .relu) ?? bn1.callThenReLU(conv1(x))
        let y = conv2.foldingNorm(h, bn2, nil) ?? bn2(conv2(h))
        return F.relu(y + (conv3.map { $0(x) } ?? x))
    }
}

/// ResNet as the textbook builds it (ResNet-18 by default) for Fashion-MNIST at 96 × 96: the
/// stem (7 × 7 convolution, batch norm, ReLU, max pooling), four stages of `Residual` blocks
/// (64, 128, 256, 512 channels; each stage but the first halves the size), a global average and
/// the output layer. Keys as `torch_ref.py`'s `resnet18()`, a flat `nn.Sequential`; for
/// torchvision's layout (`conv1`, `layer1`, …, `fc`) see `TorchVision.resnet18`.
public final class ResNet: Sequential {
    /// A ResNet with `blocks[i]` residual blocks in stage `i` (`[2, 2, 2, 2]`: ResNet-18).
    public init(blocks: [Int] = [2, 2, 2, 2], inChannels: Int = 1, numClasses: Int = 10) {
        var layers = ResNet.stem(inChannels)
        var channels = 64
        for (i, count) in blocks.enumerated() {
            let out = 64 << i
            layers.append(Sequential((0..<count).map { j in
                let downsample = i > 0 && j == 0
                return Residual(j == 0 ? channels : out, out, use1x1conv: downsample, stride: downsample ? 2 : 1)
            }))
            channels = out
        }
        super.init(layers + [AdaptiveAvgPool2d(1), Flatten(), Linear(channels, numClasses)])
    }

    /// The textbook's first module, which DenseNet starts with too: a 7 × 7 stride-2 convolution
    /// to 64 channels, batch norm, ReLU and a 3 × 3 stride-2 max pooling.
    public static func stem(_ inChannels: Int) -> [Module] {
        [Conv2d(inChannels, 64, kernelSize: 7, stride: 2, padding: 3), BatchNorm2d(64), ReLU(),
         MaxPool2d(3, stride: 2, padding: 1)]
    }
}
