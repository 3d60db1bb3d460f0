import Ember

/// Two 3 × 3 convolutions with batch norm whose output is added to the input (through a 1 × 1
/// convolution when `use1x1conv`, to change channels or, with `stride`, size).
final class Residual: Module {
    let conv1: Conv2d
    let conv2: Conv2d
    let conv3: Conv2d?
    let bn1: BatchNorm2d
    let bn2: BatchNorm2d

    init(_ inChannels: Int, _ outChannels: Int, use1x1conv: Bool = false, stride: IntOrTuple = 1) {
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, stride: stride, padding: 1)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1)
        conv3 = use1x1conv ? Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride) : nil
        bn1 = BatchNorm2d(outChannels)
        bn2 = BatchNorm2d(outChannels)
        super.init()
    }

    override func forward(_ X: Tensor) -> Tensor {
        var Y = F.relu(bn1(conv1(X)))
        Y = bn2(conv2(Y))
        let X = conv3.map { $0(X) } ?? X
        return F.relu(Y + X)
    }
}

/// `numResiduals` residual blocks; the first halves height and width and changes the channels,
/// except in the first module, whose input already has `outChannels`.
func resnetBlock(_ inChannels: Int, _ outChannels: Int, _ numResiduals: Int, firstBlock: Bool = false) -> Sequential {
    if firstBlock {
        precondition(inChannels == outChannels)  // 第一个模块的通道数同输入通道数一致
    }
    var blk: [Module] = []
    for i in 0..<numResiduals {
        if i == 0 && !firstBlock {
            blk.append(Residual(inChannels, outChannels, use1x1conv: true, stride: 2))
        } else {
            blk.append(Residual(outChannels, outChannels))
        }
    }
    return Sequential(blk)
}

/// ResNet's first module, which DenseNet starts with too: a 7 × 7 convolution to 64 channels
/// with stride 2, batch norm, ReLU and a stride-2 max pooling.
func resNetStem() -> Sequential {
    Sequential(
        Conv2d(1, 64, kernelSize: 7, stride: 2, padding: 3),
        BatchNorm2d(64),
        ReLU(),
        MaxPool2d(3, stride: 2, padding: 1))
}

/// ResNet-18: the stem, four residual modules, a global average and the output layer.
func resNet18() -> Sequential {
    let net = resNetStem()
    net.registerModule("resnet_block1", resnetBlock(64, 64, 2, firstBlock: true))
    net.registerModule("resnet_block2", resnetBlock(64, 128, 2))
    net.registerModule("resnet_block3", resnetBlock(128, 256, 2))
    net.registerModule("resnet_block4", resnetBlock(256, 512, 2))
    net.registerModule("global_avg_pool", AdaptiveAvgPool2d(1))  // GlobalAvgPool2d的输出: (Batch, 512, 1, 1)
    net.registerModule("fc", Sequential(Flatten(), Linear(512, 10)))
    return net
}
