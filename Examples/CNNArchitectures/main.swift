// The textbook's convolutional networks, built block by block and checked by passing one
// random image through each and printing every block's output shape: LeNet, AlexNet, VGG-11,
// NiN, GoogLeNet, ResNet-18 and DenseNet, plus the residual and dense blocks on their own.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §5-5 ~ 5-12 "常见卷积网络", "其他网络结构" and
// "残差网络", and shared/seeds/002_71a85d722c8706dc.txt, "残差网络(ResNet)" and
// "稠密连接网络(DenseNet)"; GoogLeNet's full network is the book's §5.9. One file per family.
// Run: swift run -c release CNNArchitectures
//
// The notes then train ResNet and DenseNet with d2l.train_ch5 at batch size 16 (757 s per ResNet
// epoch on their GPU). Timed on a few steps here, an epoch would take about 6 and 12 minutes on
// two CPU cores, so this program stops at the shapes; BatchNormLeNet shows that training loop.
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
// LeNet and AlexNet flatten inside forward(), so they are printed and run whole.
let lenet = LeNet()
print(lenet)
print("output shape:", noGrad { lenet(Tensor.rand(1, 1, 28, 28)) }.shape)
let alexnet = AlexNet()
print(alexnet)
print("output shape:", noGrad { alexnet(Tensor.rand(1, 1, 224, 224)) }.shape)

let convArch = [(1, 1, 64), (1, 64, 128), (2, 128, 256), (2, 256, 512), (2, 512, 512)]
// 经过5个vgg_block, 宽高会减半5次, 变成 224/32 = 7
let fcFeatures = 512 * 7 * 7  // c * w * h
let fcHiddenUnits = 4096  // 任意
printShapes("VGG-11", vgg(convArch, fcFeatures, fcHiddenUnits), Tensor.rand(1, 1, 224, 224))

printShapes("NiN", nin(), Tensor.rand(1, 1, 224, 224))
printShapes("GoogLeNet", googLeNet(), Tensor.rand(1, 1, 96, 96))

var blk: Module = Residual(3, 3)  // 输入通道3,输出通道3
var X = Tensor.rand(4, 3, 6, 6)
print("\nResidual(3, 3):", blk(X).shape)  // [4, 3, 6, 6]
blk = Residual(3, 6, use1x1conv: true, stride: 2)
print("Residual(3, 6, use_1x1conv=True, stride=2):", blk(X).shape)  // [4, 6, 3, 3]
printShapes("ResNet-18", resNet18(), Tensor.rand(1, 1, 224, 224))

blk = DenseBlock(2, 3, 10)
X = Tensor.rand(4, 3, 8, 8)
let Y = blk(X)
print("\nDenseBlock(2, 3, 10):", Y.shape)  // [4, 23, 8, 8]
blk = transitionBlock(23, 10)
print("transition_block(23, 10):", blk(Y).shape)  // [4, 10, 4, 4]
printShapes("DenseNet", denseNet(), Tensor.rand(1, 1, 96, 96))
