// The textbook's convolutional networks, from Ember's model zoo, checked by passing one random
// image through each and printing every block's output shape: LeNet, AlexNet, VGG-11, NiN,
// GoogLeNet, ResNet-18, DenseNet and MobileNetV2, plus the residual and dense blocks on their own.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §5-5 ~ 5-12 "常见卷积网络", "其他网络结构" and
// "残差网络", and shared/seeds/002_71a85d722c8706dc.txt, "残差网络(ResNet)" and
// "稠密连接网络(DenseNet)"; GoogLeNet's full network is the book's §5.9.
// Run: swift run -c release CNNArchitectures
//
// The zoo's models are flat Sequentials with the keys of shared/bench/torch_ref.py (so a state
// dict moves to and from PyTorch by key), where the notes nest some blocks under names
// (`resnet_block1`, `vgg_block_1`); the layers and shapes are the same. Training them is
// `ember train resnet18` (or densenet, googlenet, mobilenet-v2, alexnet, vgg11, nin), and
// `ember summary MODEL` prints each layer's parameters and multiply-adds; ResNetTraining and
// DenseNetTraining are the notes' training programs.
import Ember

/// Passes `X` through each child of `net` in turn, printing the child's name and output shape:
/// the notes' `for name, blk in net.named_children(): X = blk(X); print(name, 'output shape: ', X.shape)`.
func printShapes(_ title: String, _ net: Module, _ X: Tensor) {
    print("\n\(title)")
    noGrad {
        var X = X
        for (name, blk) in net.namedChildren() {
            X = blk(X)
            print(name, "output shape:\t", X.shape)
        }
    }
}

manualSeed(0)
printShapes("LeNet", LeNet(), Tensor.rand(1, 1, 32, 32))
printShapes("AlexNet", AlexNet(), Tensor.rand(1, 1, 224, 224))
// The notes' VGG-11: conv_arch ((1, 1, 64), (1, 64, 128), (2, 128, 256), (2, 256, 512), (2, 512, 512));
// 经过5个vgg_block, 宽高会减半5次, 变成 224/32 = 7
printShapes("VGG-11", VGG(blocks: [(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)]), Tensor.rand(1, 1, 224, 224))
printShapes("NiN", NiN(), Tensor.rand(1, 1, 224, 224))
printShapes("GoogLeNet", GoogLeNet(), Tensor.rand(1, 1, 96, 96))

var blk: Module = Residual(3, 3)  // 输入通道3,输出通道3
var X = Tensor.rand(4, 3, 6, 6)
print("\nResidual(3, 3):", blk(X).shape)  // [4, 3, 6, 6]
blk = Residual(3, 6, use1x1conv: true, stride: 2)
print("Residual(3, 6, use_1x1conv=True, stride=2):", blk(X).shape)  // [4, 6, 3, 3]
printShapes("ResNet-18", ResNet(), Tensor.rand(1, 1, 224, 224))

blk = DenseBlock(2, 3, 10)
X = Tensor.rand(4, 3, 8, 8)
let Y = blk(X)
print("\nDenseBlock(2, 3, 10):", Y.shape)  // [4, 23, 8, 8]
blk = Sequential(DenseNet.transition(23, 10))
print("transition_block(23, 10):", blk(Y).shape)  // [4, 10, 4, 4]
printShapes("DenseNet", DenseNet(), Tensor.rand(1, 1, 96, 96))
printShapes("MobileNetV2", MobileNetV2(), Tensor.rand(1, 1, 96, 96))
