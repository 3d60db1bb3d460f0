import Ember

/// Four parallel paths whose outputs are concatenated over channels; `c1`–`c4` are each path's
/// output channels.
final class Inception: Module {
    // 线路1,单1 x 1卷积层
    let p1_1: Conv2d
    // 线路2,1 x 1卷积层后接3 x 3卷积层
    let p2_1: Conv2d, p2_2: Conv2d
    // 线路3,1 x 1卷积层后接5 x 5卷积层
    let p3_1: Conv2d, p3_2: Conv2d
    // 线路4,3 x 3最大池化层后接1 x 1卷积层
    let p4_1: MaxPool2d, p4_2: Conv2d

    init(_ inC: Int, _ c1: Int, _ c2: (Int, Int), _ c3: (Int, Int), _ c4: Int) {
        p1_1 = Conv2d(inC, c1, kernelSize: 1)
        p2_1 = Conv2d(inC, c2.0, kernelSize: 1)
        p2_2 = Conv2d(c2.0, c2.1, kernelSize: 3, padding: 1)
        p3_1 = Conv2d(inC, c3.0, kernelSize: 1)
        p3_2 = Conv2d(c3.0, c3.1, kernelSize: 5, padding: 2)
        p4_1 = MaxPool2d(3, stride: 1, padding: 1)
        p4_2 = Conv2d(inC, c4, kernelSize: 1)
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor {
        let p1 = F.relu(p1_1(x))
        let p2 = F.relu(p2_2(F.relu(p2_1(x))))
        let p3 = F.relu(p3_2(F.relu(p3_1(x))))
        let p4 = F.relu(p4_2(p4_1(x)))
        return Tensor.cat([p1, p2, p3, p4], dim: 1)  // 在通道维上连结输出
    }
}

/// GoogLeNet: a stem, then Inception blocks between max poolings, a global average and the
/// output layer. d2l.GlobalAvgPool2d() is Ember's AdaptiveAvgPool2d(1).
func googLeNet() -> Sequential {
    let b1 = Sequential(
        Conv2d(1, 64, kernelSize: 7, stride: 2, padding: 3), ReLU(), MaxPool2d(3, stride: 2, padding: 1))
    let b2 = Sequential(
        Conv2d(64, 64, kernelSize: 1), Conv2d(64, 192, kernelSize: 3, padding: 1),
        MaxPool2d(3, stride: 2, padding: 1))
    let b3 = Sequential(
        Inception(192, 64, (96, 128), (16, 32), 32), Inception(256, 128, (128, 192), (32, 96), 64),
        MaxPool2d(3, stride: 2, padding: 1))
    let b4 = Sequential(
        Inception(480, 192, (96, 208), (16, 48), 64), Inception(512, 160, (112, 224), (24, 64), 64),
        Inception(512, 128, (128, 256), (24, 64), 64), Inception(512, 112, (144, 288), (32, 64), 64),
        Inception(528, 256, (160, 320), (32, 128), 128), MaxPool2d(3, stride: 2, padding: 1))
    let b5 = Sequential(
        Inception(832, 256, (160, 320), (32, 128), 128), Inception(832, 384, (192, 384), (48, 128), 128),
        AdaptiveAvgPool2d(1))
    return Sequential(b1, b2, b3, b4, b5, Flatten(), Linear(1024, 10))
}
