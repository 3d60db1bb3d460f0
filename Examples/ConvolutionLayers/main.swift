// Convolution and pooling from first principles, then PyTorch's common layers at work.
// Part 1 mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §5-1 ~ 5-4 "CNN基础知识" (corr2d, a
// learned edge kernel, padding and stride, channels, pooling), with the book's §5.1–5.4 code;
// the helpers are in Convolution.swift.
// Part 2 mirrors shared/seeds/003_df383bf5a503d374.txt, §3.1 "图像相关层", §3.2 "激活函数" and
// §3.4 "损失函数" (a sharpening kernel, average pooling, Linear, BatchNorm1d, Dropout, ReLU,
// Sequential, ModuleList, CrossEntropyLoss).
// Run: swift run -c release ConvolutionLayers
//
// The note's lena.png is not here: the first Fashion-MNIST test image stands in for it, and
// to_pil(...) becomes `show(...)`, which prints the image as text, and `saveImage`, which writes
// it as a PNG (lena.png, lena-sharpened.png, lena-pooled.png in the current folder; values
// clamped to [0, 1]). §3.3's LSTM and LSTMCell are in RecurrentLayers.
import Ember
import Foundation

manualSeed(0)

// 5-1. 二维互相关运算
var X = Tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
var K = Tensor([[0, 1], [2, 3]])
print(corr2d(X, K))

// An edge detector: the kernel [1, -1] marks where a row changes from 1 to 0 and back.
X = Tensor.ones(6, 8)
X[.all, 2..<6] = Tensor(0.0)
K = Tensor([[1.0, -1.0]])
let Y = corr2d(X, K)
print(Y)

// Learning that kernel back from X and Y.
let conv2d = Conv2D(kernelSize: [1, 2])
let step = 20
let lr = 0.01
for i in 0..<step {
    let YHat = conv2d(X)
    let l = ((YHat - Y) ** 2).sum()
    l.backward()
    // 梯度下降
    conv2d.weight.data -= lr * conv2d.weight.grad!
    conv2d.bias.data -= lr * conv2d.bias.grad!
    // 梯度清0
    conv2d.weight.grad!.fill_(0)
    conv2d.bias.grad!.fill_(0)
    if (i + 1) % 5 == 0 {
        print(String(format: "Step %d, loss %.3f", i + 1, l.item()))
    }
}
print("weight: ", conv2d.weight.data)
print("bias: ", conv2d.bias.data)

// 5-2. 填充和步幅: output side (n + 2p - k) / s + 1.
X = Tensor.rand(8, 8)
print(compConv2d(Conv2d(1, 1, kernelSize: 3, padding: 1), X).shape)
print(compConv2d(Conv2d(1, 1, kernelSize: [5, 3], padding: [2, 1]), X).shape)
print(compConv2d(Conv2d(1, 1, kernelSize: 3, stride: 2, padding: 1), X).shape)
print(compConv2d(Conv2d(1, 1, kernelSize: [3, 5], stride: [3, 4], padding: [0, 1]), X).shape)

// 5-3. 多输入通道和多输出通道: a (d1, d2, k1, k2) kernel connects every input to every output channel.
X = Tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
K = Tensor([[[0, 1], [2, 3]], [[1, 2], [3, 4]]])
print(corr2dMultiIn(X, K))
K = Tensor.stack([K, K + 1, K + 2])
print(K.shape)
print(corr2dMultiInOut(X, K))
X = Tensor.rand(3, 3, 3)
K = Tensor.rand(2, 3, 1, 1)
print((corr2dMultiInOut1x1(X, K) - corr2dMultiInOut(X, K)).abs().max().item() < 1e-6)

// 5-4. 池化层
X = Tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
print(pool2d(X, (2, 2)))
print(pool2d(X, (2, 2), mode: "avg"))
X = Tensor.arange(0, 16, dtype: .float32).view(1, 1, 4, 4)
print(MaxPool2d(3)(X))
print(MaxPool2d(3, stride: 2, padding: 1)(X))
print(MaxPool2d([2, 4], stride: [2, 3], padding: [1, 2])(X))
X = Tensor.cat([X, X + 1], dim: 1)
print(MaxPool2d(3, stride: 2, padding: 1)(X))  // pools each channel on its own

/// Runs `body`; an error from outside (a missing dataset, a folder that cannot be written) ends
/// the program with its one-line message, where a top-level `try` would crash.
func orExit<T>(_ body: () throws -> T) -> T {
    do { return try body() } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
}

// 3.1 图像相关层
let toTensor = ToTensor()
let lena = orExit { try FashionMNIST(train: false).images[0] }
show(toTensor(lena).squeeze(0))
orExit { try saveImage(toTensor(lena), to: "lena.png") }

// layer对输入形状都有假设:输入的不是单个数据,而是一个batch。
var input = toTensor(lena).unsqueeze(0)
// 锐化卷积核
let kernel = Tensor.ones(3, 3) / -9.0
kernel[1, 1] = Tensor(1.0)
let conv = Conv2d(1, 1, kernelSize: [3, 3], stride: 1, bias: false)
conv.weight.data = kernel.view(1, 1, 3, 3)
var out = conv(input)
show(out.data.squeeze(0).squeeze(0))
orExit { try saveImage(out.data.squeeze(0), to: "lena-sharpened.png") }

// 池化层:可视为一种特殊的卷积层,用来下采样。
let pool = AvgPool2d(2, stride: 2)
out = pool(input)
show(out.data.squeeze(0).squeeze(0))
orExit { try saveImage(out.data.squeeze(0), to: "lena-pooled.png") }
print("images written to lena.png, lena-sharpened.png, lena-pooled.png")

// 输入batch_size=2, 维度3
input = Tensor.rand(2, 3)
let linear = Linear(3, 4)
let h = linear(input)
print(h)

// 4 channel,初始化标准差4,均值0
let bn = BatchNorm1d(4)
bn.weight!.data = Tensor.ones(4) * 4
bn.bias!.data = Tensor.zeros(4)
let bnOut = bn(h)
print(bnOut)
print(bnOut.mean(), bnOut.var(dim: 0, correction: 0))  // 使用unbiased=False分母不减一

// 每个元素以0.5的概率舍弃
let dropout = Dropout(p: 0.5)
let o = dropout(bnOut)
print(o)

// 3.2 激活函数
let relu = ReLU(inplace: true)
input = Tensor.randn(2, 3)
print(input)
let output = relu(input)
print(output)  // 负数都被截断为0

// Sequential
let net = Sequential(Conv2d(3, 3, 3), BatchNorm2d(3), ReLU())
print("net:", net)
print(net[2])  // 可根据序号取出module
input = Tensor.randn(1, 3, 4, 4)
print(net(input))

// modellist
let modellist = ModuleList([Linear(3, 4), ReLU(), Linear(4, 2)])
input = Tensor.randn(1, 3)
for model in modellist {
    input = model(input)
    print(input)
}

// 3.4 损失函数: batch_size = 3, 计算对应每个类别的分数(只有两个类别)
let score = Tensor.randn(3, 2)
// 三个样本分别属于1, 0, 1类,label必须是LongTensor
let label = Tensor([1, 0, 1])
let criterion = CrossEntropyLoss()
let loss = criterion(score, label)
print(loss)
