/// GoogLeNet's Inception block: four paths over the same input (a 1 × 1 convolution; 1 × 1 then
/// 3 × 3; 1 × 1 then 5 × 5; 3 × 3 max pooling then 1 × 1), each ending in ReLU, concatenated on
/// the channels. Keys `p1`, `p2`, `p3`, `p4` as `torch_ref.py`'s `Inception`.
public final class Inception: Module {
    public let p1: Conv2d
    public let p2: Sequential
    public let p3: Sequential
    public let p4: Sequential

    /// Paths of `c1`, `c2.1` (through `c2.0`), `c3.1` (through `c3.0`) and `c4` output channels.
    public init(_ inChannels: Int, _ c1: Int, _ c2: (Int, Int), _ c3: (Int, Int), _ c4: Int) {
        p1 = Conv2d(inChannels, c1, kernelSize: 1)
        p2 = Sequential(Conv2d(inChannels, c2.0, kernelSize: 1), ReLU(), Conv2d(c2.0, c2.1, kernelSize: 3, padding: 1))
        p3 = Sequential(Conv2d(inChannels, c3.0, kernelSize: 1), ReLU(), Conv2d(c3.0, c3.1, kernelSize: 5, padding: 2))
        p4 = Sequential(MaxPool2d(3, stride: 1, padding: 1), Conv2d(inChannels, c4, kernelSize: 1))
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        Tensor.cat([p1(x).relu_(), p2(x).relu_(), p3(x).relu_(), p4(x).relu_()], dim: 1)
    }
}

/// GoogLeNet as the textbook trains it on 96 × 96 images: a stem of convolutions and poolings,
/// nine Inception blocks in three groups, a global average and the output layer. Keys as
/// `torch_ref.py`'s `googlenet()`, a flat `nn.Sequential`.
public final class GoogLeNet: Sequential {
    /// GoogLeNet for `inChannels`-channel images and `numClasses` classes.
    public init(inChannels: Int = 1, numClasses: Int = 10) {
        super.init([
            Conv2d(inChannels, 64, kernelSize: 7, stride: 2, padding: 3), ReLU(), MaxPool2d(3, stride: 2, padding: 1),
            Conv2d(64, 64, kernelSize: 1), ReLU(), Conv2d(64, 192, kernelSize: 3, padding: 1), ReLU(),
            MaxPool2d(3, stride: 2, padding: 1),
            Inception(192, 64, (96, 128), (16, 32), 32), Inception(256, 128, (128, 192), (32, 96), 64),
            MaxPool2d(3, stride: 2, padding: 1),
            Inception(480, 192, (96, 208), (16, 48), 64), Inception(512, 160, (112, 224), (24, 64), 64),
            Inception(512, 128, (128, 256), (24, 64), 64), Inception(512, 112, (144, 288), (32, 64), 64),
            Inception(528, 256, (160, 320), (32, 128), 128), MaxPool2d(3, stride: 2, padding: 1),
            Inception(832, 256, (160, 320), (32, 128), 128), Inception(832, 384, (192, 384), (48, 128), 128),
            AdaptiveAvgPool2d(1), Flatten(), Linear(1024, numClasses),
        ])
    }
}
