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

    /// Each layer's output concatenated to its input in turn. In evaluation without gradients the
    /// block's output is one tensor that each layer reads the channels so far from and writes its
    /// own after, as one fused op (`Conv2d.afterNormReLU`): no concatenation copies are made.
    public override func forward(_ input: Tensor) -> Tensor {
        var x = input, first = 0
        if let (out, layers, channels) = concatenatedInPlace(input) {
            if layers == net.count { return out }
            (x, first) = (out.narrow(1, 0, channels).contiguous(), layers)
        }
        return net[first...].reduce(x) { x, layer in Tensor.cat([x, layer(x)], dim: 1) }
    }

    /// The block's output allocated once, `input` copied into its first channels and the layers
    /// run into it as long as each is a hook-free batch norm, ReLU and convolution that
    /// `Conv2d.afterNormReLU` runs fused: the tensor, the layers done and the channels written.
    /// Nil when the first layer cannot run so.
    private func concatenatedInPlace(_ input: Tensor) -> (out: Tensor, layers: Int, channels: Int)? {
        guard input.dim == 4, input.dtype == .float32, input.numel > 0, !isGradEnabled || !input.requiresGrad else { return nil }
        var layers: [(norm: BatchNormLayer, conv: Conv2d)] = []
        var total = input.shape[1]
        for layer in net {
            guard type(of: layer) == Sequential.self, let seq = layer as? Sequential, seq.forwardHooks.isEmpty, seq.count == 3,
                  let norm = seq[0] as? BatchNormLayer, let relu = seq[1] as? ReLU, relu.forwardHooks.isEmpty,
                  let conv = seq[2] as? Conv2d, conv.inChannels == total
            else { return nil }
            layers.append((norm, conv))
            total += conv.outChannels
        }
        // What `afterNormReLU` would refuse for every layer, checked before allocating.
        guard !layers.contains(where: { $0.norm.training }),
              !isGradEnabled || !net.parameters().contains(where: { $0.requiresGrad }) else { return nil }
        let out = Tensor(uninitializedShape: [input.shape[0], total, input.shape[2], input.shape[3]], dtype: .float32)
        var channels = input.shape[1]
        noGrad { _ = out.narrow(1, 0, channels).copy_(input) }
        for (i, (norm, conv)) in layers.enumerated() {
            let target = out.narrow(1, channels, conv.outChannels)
            guard conv.afterNormReLU(out.narrow(1, 0, channels), norm, into: target) != nil else {
                return i == 0 ? nil : (out, i, channels)
            }
            channels += conv.outChannels
        }
        return (out, layers.count, channels)
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
