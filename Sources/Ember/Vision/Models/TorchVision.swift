/// Models in torchvision's layout (`torchvision.models`), whose state dicts load by key from
/// weights torchvision wrote: ResNet-18/34/50 and MobileNetV2. They take `inChannels` (torchvision
/// fixes 3) and `numClasses`, and are initialized as torchvision initializes them.
public enum TorchVision {
    /// ResNet-18: `BasicBlock`s, `[2, 2, 2, 2]`. PyTorch: `torchvision.models.resnet18()`.
    public static func resnet18(inChannels: Int = 3, numClasses: Int = 1000) -> ResNet {
        ResNet(block: .basic, layers: [2, 2, 2, 2], inChannels: inChannels, numClasses: numClasses)
    }

    /// ResNet-34: `BasicBlock`s, `[3, 4, 6, 3]`. PyTorch: `torchvision.models.resnet34()`.
    public static func resnet34(inChannels: Int = 3, numClasses: Int = 1000) -> ResNet {
        ResNet(block: .basic, layers: [3, 4, 6, 3], inChannels: inChannels, numClasses: numClasses)
    }

    /// ResNet-50: `Bottleneck`s, `[3, 4, 6, 3]`. PyTorch: `torchvision.models.resnet50()`.
    public static func resnet50(inChannels: Int = 3, numClasses: Int = 1000) -> ResNet {
        ResNet(block: .bottleneck, layers: [3, 4, 6, 3], inChannels: inChannels, numClasses: numClasses)
    }

    /// torchvision's initialization of convolutions: Kaiming normal, fan out, for ReLU.
    static func initConv(_ conv: Conv2d) -> Conv2d {
        _ = Init.kaimingNormal_(conv.weight, mode: .fanOut, nonlinearity: .relu)
        if let bias = conv.bias { _ = Init.zeros_(bias) }
        return conv
    }

    /// A 3 × 3 convolution without bias, as torchvision's `conv3x3`.
    static func conv3x3(_ inChannels: Int, _ outChannels: Int, stride: Int = 1) -> Conv2d {
        initConv(Conv2d(inChannels, outChannels, kernelSize: 3, stride: IntOrTuple(stride), padding: 1, bias: false))
    }

    /// A 1 × 1 convolution without bias, as torchvision's `conv1x1`.
    static func conv1x1(_ inChannels: Int, _ outChannels: Int, stride: Int = 1) -> Conv2d {
        initConv(Conv2d(inChannels, outChannels, kernelSize: 1, stride: IntOrTuple(stride), bias: false))
    }

    /// torchvision's `BasicBlock` (ResNet-18/34): two 3 × 3 convolutions with batch norm, the
    /// first carrying the stride, added to the input (through `downsample` when given).
    public final class BasicBlock: Module {
        /// Output channels per `planes`.
        public static let expansion = 1
        public let conv1: Conv2d
        public let bn1: BatchNorm2d
        public let relu = ReLU()
        public let conv2: Conv2d
        public let bn2: BatchNorm2d
        public let downsample: Sequential?

        public init(_ inPlanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) {
            conv1 = conv3x3(inPlanes, planes, stride: stride)
            bn1 = BatchNorm2d(planes)
            conv2 = conv3x3(planes, planes)
            bn2 = BatchNorm2d(planes)
            self.downsample = downsample
            super.init()
        }

        public override func forward(_ x: Tensor) -> Tensor {
            let out = conv2.callThenNorm(conv1.callThenNorm(x, bn1, relu), bn2, nil)
            return relu(out + (downsample.map { $0(x) } ?? x))
        }
    }

    /// torchvision's `Bottleneck` (ResNet-50 and deeper): 1 × 1 reduction, 3 × 3 convolution
    /// carrying the stride, 1 × 1 expansion to `4 · planes`, batch norm after each, added to the
    /// input (through `downsample` when given).
    public final class Bottleneck: Module {
        /// Output channels per `planes`.
        public static let expansion = 4
        public let conv1: Conv2d
        public let bn1: BatchNorm2d
        public let conv2: Conv2d
        public let bn2: BatchNorm2d
        public let conv3: Conv2d
        public let bn3: BatchNorm2d
        public let relu = ReLU()
        public let downsample: Sequential?

        public init(_ inPlanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) {
            conv1 = conv1x1(inPlanes, planes)
            bn1 = BatchNorm2d(planes)
            conv2 = conv3x3(planes, planes, stride: stride)
            bn2 = BatchNorm2d(planes)
            conv3 = conv1x1(planes, planes * Self.expansion)
            bn3 = BatchNorm2d(planes * Self.expansion)
            self.downsample = downsample
            super.init()
        }

        public override func forward(_ x: Tensor) -> Tensor {
            let out = conv3.callThenNorm(conv2.callThenNorm(conv1.callThenNorm(x, bn1, relu), bn2, relu), bn3, nil)
            return relu(out + (downsample.map { $0(x) } ?? x))
        }
    }

    /// torchvision's `ResNet`: `conv1`, `bn1`, `relu`, `maxpool`, `layer1`…`layer4`, `avgpool`,
    /// `fc`. PyTorch: `torchvision.models.ResNet`.
    public final class ResNet: Module {
        /// The residual block a ResNet is made of.
        public enum Block { case basic, bottleneck }

        public let conv1: Conv2d
        public let bn1: BatchNorm2d
        public let relu = ReLU()
        public let maxpool = MaxPool2d(3, stride: 2, padding: 1)
        public let layer1: Sequential
        public let layer2: Sequential
        public let layer3: Sequential
        public let layer4: Sequential
        public let avgpool = AdaptiveAvgPool2d(1)
        public let fc: Linear

        /// A ResNet of `block`s, `layers[i]` of them in stage `i`.
        public init(block: Block, layers: [Int], inChannels: Int = 3, numClasses: Int = 1000) {
            check(layers.count == 4, "ResNet: expected 4 stages, got \(layers.count)")
            conv1 = TorchVision.initConv(Conv2d(inChannels, 64, kernelSize: 7, stride: 2, padding: 3, bias: false))
            bn1 = BatchNorm2d(64)
            let expansion = block == .basic ? BasicBlock.expansion : Bottleneck.expansion
            var inPlanes = 64
            var stages: [Sequential] = []
            for (i, count) in layers.enumerated() {
                let planes = 64 << i, stride = i == 0 ? 1 : 2
                var blocks: [Module] = []
                for j in 0..<count {
                    let s = j == 0 ? stride : 1
                    let downsample = j == 0 && (s != 1 || inPlanes != planes * expansion)
                        ? Sequential(conv1x1(inPlanes, planes * expansion, stride: s), BatchNorm2d(planes * expansion)) : nil
                    blocks.append(block == .basic ? BasicBlock(inPlanes, planes, stride: s, downsample: downsample)
                                  : Bottleneck(inPlanes, planes, stride: s, downsample: downsample))
                    inPlanes = planes * expansion
                }
                stages.append(Sequential(blocks))
            }
            (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3])
            fc = Linear(512 * expansion, numClasses)
            super.init()
        }

        public override func forward(_ x: Tensor) -> Tensor {
            var y = maxpool(conv1.callThenNorm(x, bn1, relu))
            y = layer4(layer3(layer2(layer1(y))))
            return fc(avgpool(y).flatten(startDim: 1))
        }
    }

    /// torchvision's `Conv2dNormActivation` as MobileNetV2 uses it: a convolution without bias
    /// (padding keeping the size at stride 1), batch norm and ReLU6, keys `0`, `1`, `2`.
    static func convBNReLU6(_ inChannels: Int, _ outChannels: Int, kernelSize: Int = 3, stride: Int = 1, groups: Int = 1) -> Sequential {
        Sequential(initConv(Conv2d(inChannels, outChannels, kernelSize: IntOrTuple(kernelSize), stride: IntOrTuple(stride),
                                   padding: .explicit([(kernelSize - 1) / 2]), groups: groups, bias: false)),
                   BatchNorm2d(outChannels), ReLU6())
    }

    /// torchvision's MobileNetV2 `InvertedResidual`: `conv` holds the expansion (a
    /// `Conv2dNormActivation`, left out at ratio 1), the depthwise `Conv2dNormActivation`, the
    /// projection convolution and its batch norm.
    public final class InvertedResidual: Module {
        public let conv: Sequential
        /// Whether the input is added to the output (stride 1 and as many channels out as in).
        public let useResidual: Bool

        public init(_ inChannels: Int, _ outChannels: Int, stride: Int, expandRatio: Int) {
            let hidden = inChannels * expandRatio
            var layers: [Module] = expandRatio == 1 ? [] : [convBNReLU6(inChannels, hidden, kernelSize: 1)]
            layers += [convBNReLU6(hidden, hidden, stride: stride, groups: hidden),
                       initConv(Conv2d(hidden, outChannels, kernelSize: 1, bias: false)), BatchNorm2d(outChannels)]
            conv = Sequential(layers)
            useResidual = stride == 1 && inChannels == outChannels
            super.init()
        }

        public override func forward(_ x: Tensor) -> Tensor { useResidual ? x + conv(x) : conv(x) }
    }

    /// torchvision's `MobileNetV2` (width 1.0): `features` (the stem, seventeen
    /// `InvertedResidual`s, the 1 × 1 convolution to 1280 channels) and `classifier` (dropout 0.2
    /// and the output layer). PyTorch: `torchvision.models.mobilenet_v2()`.
    public final class MobileNetV2: Module {
        public let features: Sequential
        public let classifier: Sequential

        public init(inChannels: Int = 3, numClasses: Int = 1000) {
            var layers: [Module] = [convBNReLU6(inChannels, 32, stride: 2)]
            var channels = 32
            for (t, out, n, s) in Ember.MobileNetV2.settings {
                for i in 0..<n {
                    layers.append(InvertedResidual(channels, out, stride: i == 0 ? s : 1, expandRatio: t))
                    channels = out
                }
            }
            layers.append(convBNReLU6(channels, 1280, kernelSize: 1))
            features = Sequential(layers)
            let linear = Linear(1280, numClasses)
            _ = Init.normal_(linear.weight, mean: 0, std: 0.01)
            _ = Init.zeros_(linear.bias!)
            classifier = Sequential(Dropout(p: 0.2), linear)
            super.init()
        }

        public override func forward(_ x: Tensor) -> Tensor {
            classifier(F.adaptiveAvgPool2d(features(x), outputSize: [1, 1]).flatten(startDim: 1))
        }
    }
}
