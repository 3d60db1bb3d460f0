import Ember

/// Batch norm, ReLU and a 3 × 3 convolution: the unit of a dense block.
func convBlock(_ inChannels: Int, _ outChannels: Int) -> Sequential {
    Sequential(BatchNorm2d(inChannels), ReLU(), Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1))
}

/// `numConvs` conv blocks, each fed the concatenation of the input and every earlier output.
final class DenseBlock: Module {
    let net: ModuleList
    let outChannels: Int  // 计算输出通道数

    init(_ numConvs: Int, _ inChannels: Int, _ outChannels: Int) {
        var net: [Module] = []
        for i in 0..<numConvs {
            let inC = inChannels + i * outChannels
            net.append(convBlock(inC, outChannels))
        }
        self.net = ModuleList(net)
        self.outChannels = inChannels + numConvs * outChannels
        super.init()
    }

    override func forward(_ X: Tensor) -> Tensor {
        var X = X
        for blk in net {
            let Y = blk(X)
            X = Tensor.cat([X, Y], dim: 1)  // 在通道维上将输入和输出连结
        }
        return X
    }
}

/// 过渡层: a 1 × 1 convolution to fewer channels and a stride-2 average pooling.
func transitionBlock(_ inChannels: Int, _ outChannels: Int) -> Sequential {
    Sequential(
        BatchNorm2d(inChannels),
        ReLU(),
        Conv2d(inChannels, outChannels, kernelSize: 1),
        AvgPool2d(2, stride: 2))
}

/// DenseNet: ResNet's stem, four dense blocks with transition layers between them, then
/// batch norm, ReLU, a global average and the output layer.
func denseNet() -> Sequential {
    let net = resNetStem()
    var (numChannels, growthRate) = (64, 32)  // num_channels为当前的通道数
    let numConvsInDenseBlocks = [4, 4, 4, 4]
    for (i, numConvs) in numConvsInDenseBlocks.enumerated() {
        let DB = DenseBlock(numConvs, numChannels, growthRate)
        net.registerModule("DenseBlosk_\(i)", DB)
        // 上一个稠密块的输出通道数
        numChannels = DB.outChannels
        // 在稠密块之间加入通道数减半的过渡层
        if i != numConvsInDenseBlocks.count - 1 {
            net.registerModule("transition_block_\(i)", transitionBlock(numChannels, numChannels / 2))
            numChannels = numChannels / 2
        }
    }
    net.registerModule("BN", BatchNorm2d(numChannels))
    net.registerModule("relu", ReLU())
    net.registerModule("global_avg_pool", AdaptiveAvgPool2d(1))  // GlobalAvgPool2d的输出: (Batch, num_channels, 1, 1)
    net.registerModule("fc", Sequential(Flatten(), Linear(numChannels, 10)))
    return net
}
