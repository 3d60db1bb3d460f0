/// DenseNet's dense block: `count` layers of batch norm, ReLU and a 3 × 3 convolution to
/// `growthRate` channels, each layer's output concatenated to its input on the channels, so the
/// block adds `count · growthRate` channels. Keys `net.0.0.weight`, … as `torch_ref.py`'s
/// `DenseBlock`.
public final class DenseBlock: Module {
    public let net: ModuleList

    /// A block of `count` layers over `inChannels` input channels.
    public init(_ count: Int, _ inChannels: Int, _ growthRate: Int) {
        net = ModuleList((0..<count).map { i in
            let channels = inChannels + i * growthRate
            return Sequential(BatchNorm2d(channels), ReLU(), Conv2d(channels, growthRate, kernelSize: 3, padding: 1))
        })
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        net.reduce(input) { x, layer in Tensor.cat([x, layer(x)], dim: 1) }
    }
}

/// DenseNet as the textbook builds it for 96 × 96 images: ResNet's stem, four dense blocks of four
/// layers (growth rate 32) with transition layers between them (batch norm, ReLU, a 1 × 1
/// convolution halving the channels, 2 × 2 average pooling), batch norm, ReLU, a global average
/// and the output layer. Keys as `torch_ref.py`'s `densenet()`, a flat `nn.Sequential` (the
/// transition layers are spliced in).
public final class DenseNet: Sequential {
    /// DenseNet for `inChannels`-channel images and `numClasses` classes.
    public init(blocks: [Int] = [4, 4, 4, 4], growthRate: Int = 32, inChannels: Int = 1, numClasses: Int = 10) {
        var layers = ResNet.stem(inChannels)
        var channels = 64
        for (i, count) in blocks.enumerated() {
            layers.append(DenseBlock(count, channels, growthRate))
            channels += count * growthRate
            if i != blocks.count - 1 {
                layers += DenseNet.transition(channels, channels / 2)
                channels /= 2
            }
        }
        super.init(layers + [BatchNorm2d(channels), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(channels, numClasses)])
    }

    /// The textbook's `transition_block`: batch norm, ReLU, a 1 × 1 convolution to
    /// `outChannels` and a 2 × 2 average pooling that halves height and width.
    public static func transition(_ inChannels: Int, _ outChannels: Int) -> [Module] {
        [BatchNorm2d(inChannels), ReLU(), Conv2d(inChannels, outChannels, kernelSize: 1), AvgPool2d(2, stride: 2)]
    }
}
