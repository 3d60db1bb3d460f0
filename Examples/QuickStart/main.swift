// PyTorch's quick start: a LeNet-style `Net` built from nn layers and F.max_pool2d, its
// parameters by name, a backward pass, MSELoss and an SGD step; then the CIFAR-10 classifier
// (load and normalize, define the net, loss and optimizer, train, test).
// Mirrors shared/seeds/004_2a24c577cc23bafb.txt, §2 "快速入门" (2.2.2 "Autograd", the CIFAR
// classification steps), with the book's §2.2.4 program the note summarizes.
// Run: swift run -c release QuickStart [CIFAR-10-DIR] [epochs]   (the original trains 2 epochs)
//
// CIFAR-10 is read from the folder given (the binary version: data_batch_1.bin ...
// test_batch.bin), not downloaded; without one, the program says where to get it and stops
// after the first part. show(...) of the original writes PNGs here: cifar-sample.png,
// cifar-train-batch.png, cifar-test-batch.png. The original's t.set_num_threads(8) is left to
// Ember's default (one thread per core).
import Ember
import Foundation

manualSeed(0)

final class Net: Module {
    // 卷积层 '1'表示输入图片为单通道, '6'表示输出通道数, '5'表示卷积核为5*5
    let conv1: Conv2d
    let conv2: Conv2d
    // 仿射层/全连接层, y = Wx + b
    let fc1: Linear
    let fc2: Linear
    let fc3: Linear

    init(inChannels: Int = 1) {
        conv1 = Conv2d(inChannels, 6, kernelSize: 5)
        conv2 = Conv2d(6, 16, kernelSize: 5)
        fc1 = Linear(16 * 5 * 5, 120)
        fc2 = Linear(120, 84)
        fc3 = Linear(84, 10)
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor {
        // 卷积 -> 激活 -> 池化
        var x = F.maxPool2d(F.relu(conv1(x)), kernelSize: [2, 2])
        x = F.maxPool2d(F.relu(conv2(x)), kernelSize: [2])
        // reshape, '-1'表示自适应
        x = x.view(x.shape[0], -1)
        x = F.relu(fc1(x))
        x = F.relu(fc2(x))
        x = fc3(x)
        return x
    }
}

var net = Net()
print(net)

for (name, parameters) in net.namedParameters() {
    print(name, ":", parameters.shape)
}

var input = Tensor.randn(1, 1, 32, 32)
var out = net(input)
print(out.shape)

net.zeroGrad()  // 所有参数的梯度清零
out.backward(gradient: Tensor.ones(1, 10))  // 反向传播

// 损失函数: nn.MSELoss 计算均方误差
var output = net(input)
let target = Tensor.arange(0, 10).view(1, 10).float()
let criterion = MSELoss()
var loss = criterion(output, target)
print(loss)

net.zeroGrad()
print("反向传播之前 conv1.bias的梯度", net.conv1.bias!.grad ?? Tensor.zeros(6))
loss.backward()
print("反向传播之后 conv1.bias的梯度", net.conv1.bias!.grad!)

// 优化器: 新建一个优化器,指定要调整的参数和学习率
var optimizer = SGD(net.parameters(), lr: 0.01)
// 在训练过程中先梯度清零(与net.zero_grad()效果一样)
optimizer.zeroGrad()
// 计算损失
output = net(input)
loss = criterion(output, target)
// 反向传播, 更新参数
loss.backward()
optimizer.step()

/// Runs `body`; an error from outside (a missing dataset, a folder that cannot be written) ends
/// the program with its one-line message, where a top-level `try` would crash.
func orExit<T>(_ body: () throws -> T) -> T {
    do { return try body() } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
}

// CIFAR-10 分类
let arguments = CommandLine.arguments.dropFirst()
guard let root = arguments.first else {
    print("""

        CIFAR-10 分类: give the folder of CIFAR-10's binary version to train the classifier:
          download cifar-10-binary.tar.gz from http://www.cs.toronto.edu/~kriz/cifar.html, unpack it
          (it holds cifar-10-batches-bin/data_batch_1.bin ... test_batch.bin), and run
          QuickStart path/to/cifar-10-batches-bin [epochs]
        """)
    exit(0)
}
let epochsArgument = arguments.dropFirst().first ?? "2"
guard let epochs = Int(epochsArgument), epochs >= 0 else {
    FileHandle.standardError.write(Data("QuickStart: epochs must be a whole number ≥ 0, got '\(epochsArgument)'\n".utf8))
    exit(2)
}

// 定义对数据的预处理: 转为Tensor, 归一化
let transform = Compose([ToTensor(), Normalize(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])])
let trainset: CIFAR10, testset: CIFAR10
do {
    trainset = try CIFAR10(root: root, train: true, transform: transform)
    testset = try CIFAR10(root: root, train: false, transform: transform)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
let trainloader = DataLoader(trainset, batchSize: 4, shuffle: true)
let testloader = DataLoader(testset, batchSize: 4, shuffle: false)
let classes = ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

let (data, label) = trainset[min(100, trainset.count - 1)]
print(classes[label.itemInt()])
orExit { try saveImage((data + 1) / 2, to: "cifar-sample.png") }

var dataiter = trainloader.makeIterator()
var (images, labels) = dataiter.next()!
print(labels.toInts().map { classes[$0].leftPadded(11) }.joined(separator: " "))
orExit { try saveImage((images + 1) / 2, to: "cifar-train-batch.png") }

net = Net(inChannels: 3)
let classification = CrossEntropyLoss()
optimizer = SGD(net.parameters(), lr: 0.001, momentum: 0.9)

for epoch in 0..<epochs {
    var runningLoss = 0.0
    for (i, (inputs, labels)) in trainloader.enumerated() {
        // 梯度清零
        optimizer.zeroGrad()
        // forward + backward
        let outputs = net(inputs)
        let loss = classification(outputs, labels)
        loss.backward()
        // 更新参数
        optimizer.step()
        // 打印log信息
        runningLoss += loss.item()
        if i % 2000 == 1999 {  // 每2000个batch打印一下训练状态
            print(String(format: "[%d, %5d] loss: %.3f", epoch + 1, i + 1, runningLoss / 2000))
            runningLoss = 0.0
        }
    }
}
print("Finished Training")

dataiter = testloader.makeIterator()
(images, labels) = dataiter.next()!
print("实际的label: ", labels.toInts().map { classes[$0].leftPadded(8) }.joined(separator: " "))
orExit { try saveImage((images + 1) / 2, to: "cifar-test-batch.png") }
// 计算图片在每个类别上的分数, 得分最高的那个类
let predicted = net(images).data.max(dim: 1).indices
print("预测结果: ", predicted.toInts().map { classes[$0].leftPadded(5) }.joined(separator: " "))

var correct = 0, total = 0
noGrad {
    for (images, labels) in testloader {
        let outputs = net(images)
        let predicted = outputs.max(dim: 1).indices
        total += labels.shape[0]
        correct += predicted.eq(labels).sum().itemInt()
    }
}
print("10000张测试集中的准确率为: \(100 * correct / total) %")
print("images written to cifar-sample.png, cifar-train-batch.png, cifar-test-batch.png")

extension String {
    /// The string right-aligned in `width` columns, as Python's `'%11s' % s`.
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
