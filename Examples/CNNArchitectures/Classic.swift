import Ember

/// LeNet: two sigmoid convolution blocks with max pooling, then three fully connected layers.
final class LeNet: Module {
    let conv = Sequential(
        Conv2d(1, 6, 5),  // in_channels, out_channels, kernel_size
        Sigmoid(),
        MaxPool2d(2, stride: 2),  // kernel_size, stride
        Conv2d(6, 16, 5),
        Sigmoid(),
        MaxPool2d(2, stride: 2)
    )
    let fc = Sequential(
        Linear(16 * 4 * 4, 120),
        Sigmoid(),
        Linear(120, 84),
        Sigmoid(),
        Linear(84, 10)
    )

    override func forward(_ img: Tensor) -> Tensor {
        let feature = conv(img)
        let output = fc(feature.view(img.shape[0], -1))
        return output
    }
}

/// AlexNet: deeper than LeNet, with ReLU and dropout, for 224 × 224 inputs.
final class AlexNet: Module {
    let conv = Sequential(
        Conv2d(1, 96, kernelSize: 11, stride: 4),  // in_channels, out_channels, kernel_size, stride, padding
        ReLU(),
        MaxPool2d(3, stride: 2),  // kernel_size, stride
        // 减小卷积窗口,使用填充为2来使得输入与输出的高和宽一致,且增大输出通道数
        Conv2d(96, 256, kernelSize: 5, stride: 1, padding: 2),
        ReLU(),
        MaxPool2d(3, stride: 2),
        // 连续3个卷积层,且使用更小的卷积窗口。除了最后的卷积层外,进一步增大了输出通道数。
        // 前两个卷积层后不使用池化层来减小输入的高和宽
        Conv2d(256, 384, kernelSize: 3, stride: 1, padding: 1),
        ReLU(),
        Conv2d(384, 384, kernelSize: 3, stride: 1, padding: 1),
        ReLU(),
        Conv2d(384, 256, kernelSize: 3, stride: 1, padding: 1),
        ReLU(),
        MaxPool2d(3, stride: 2)
    )
    // 这里全连接层的输出个数比LeNet中的大数倍。使用丢弃层来缓解过拟合
    let fc = Sequential(
        Linear(256 * 5 * 5, 4096),
        ReLU(),
        Dropout(p: 0.5),
        Linear(4096, 4096),
        ReLU(),
        Dropout(p: 0.5),
        // 输出层。由于这里使用Fashion-MNIST,所以用类别数为10,而非论文中的1000
        Linear(4096, 10)
    )

    override func forward(_ img: Tensor) -> Tensor {
        let feature = conv(img)
        let output = fc(feature.view(img.shape[0], -1))
        return output
    }
}

/// `numConvs` 3 × 3 convolutions with ReLU, then a 2 × 2 max pooling that halves height and width.
func vggBlock(_ numConvs: Int, _ inChannels: Int, _ outChannels: Int) -> Sequential {
    var blk: [Module] = []
    for i in 0..<numConvs {
        if i == 0 {
            blk.append(Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1))
        } else {
            blk.append(Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1))
        }
        blk.append(ReLU())
    }
    blk.append(MaxPool2d(2, stride: 2))
    return Sequential(blk)
}

/// VGG: one `vggBlock` per `(numConvs, inChannels, outChannels)` of `convArch`, then the
/// fully connected part. d2l.FlattenLayer() is Ember's Flatten().
func vgg(_ convArch: [(Int, Int, Int)], _ fcFeatures: Int, _ fcHiddenUnits: Int = 4096) -> Sequential {
    let net = Sequential()
    // 卷积层部分
    for (i, (numConvs, inChannels, outChannels)) in convArch.enumerated() {
        net.registerModule("vgg_block_" + String(i + 1), vggBlock(numConvs, inChannels, outChannels))
    }
    // 全连接层部分
    net.registerModule("fc", Sequential(
        Flatten(),
        Linear(fcFeatures, fcHiddenUnits),
        ReLU(),
        Dropout(p: 0.5),
        Linear(fcHiddenUnits, fcHiddenUnits),
        ReLU(),
        Dropout(p: 0.5),
        Linear(fcHiddenUnits, 10)
    ))
    return net
}

/// A convolution followed by two 1 × 1 convolutions, each with ReLU: NiN's per-pixel MLP.
func ninBlock(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple,
              padding: ConvPadding) -> Sequential {
    Sequential(
        Conv2d(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding),
        ReLU(),
        Conv2d(outChannels, outChannels, kernelSize: 1),
        ReLU(),
        Conv2d(outChannels, outChannels, kernelSize: 1),
        ReLU()
    )
}

/// Network in network: NiN blocks and max pooling, ending in a global average over 10 channels.
func nin() -> Sequential {
    Sequential(
        ninBlock(1, 96, kernelSize: 11, stride: 4, padding: 0),
        MaxPool2d(3, stride: 2),
        ninBlock(96, 256, kernelSize: 5, stride: 1, padding: 2),
        MaxPool2d(3, stride: 2),
        ninBlock(256, 384, kernelSize: 3, stride: 1, padding: 1),
        MaxPool2d(3, stride: 2),
        Dropout(p: 0.5),
        // 标签类别数是10
        ninBlock(384, 10, kernelSize: 3, stride: 1, padding: 1),
        // 全局平均池化层可通过将窗口形状设置成输入的高和宽实现
        AvgPool2d(5),
        // 将四维的输出转成二维的输出,其形状为(批量大小, 10)
        Flatten()
    )
}
