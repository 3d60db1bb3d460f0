// Batch normalization in LeNet on Fashion-MNIST: first with a batch-norm layer written from
// scratch, then with nn.BatchNorm2d / nn.BatchNorm1d; both trained with Adam by d2l.train_ch5.
// Mirrors shared/seeds/002_71a85d722c8706dc.txt, "从零实现" / "基于LeNet的应用" / "简洁实现"
// (the same experiment as shared/seeds/000_038c5a5f9e813b7a.txt, §5-8 ~ 5-10 "batchNorm").
// Run: swift run -c release BatchNormLeNet [epochs]   (the original trains 5 epochs each)
//
// d2l.FlattenLayer() is Ember's Flatten().
import D2L
import Ember

var net = Sequential(
    Conv2d(1, 6, 5),  // in_channels, out_channels, kernel_size
    BatchNorm(6, numDims: 4),
    Sigmoid(),
    MaxPool2d(2, stride: 2),  // kernel_size, stride
    Conv2d(6, 16, 5),
    BatchNorm(16, numDims: 4),
    Sigmoid(),
    MaxPool2d(2, stride: 2),
    Flatten(),
    Linear(16 * 4 * 4, 120),
    BatchNorm(120, numDims: 2),
    Sigmoid(),
    Linear(120, 84),
    BatchNorm(84, numDims: 2),
    Sigmoid(),
    Linear(84, 10)
)
print(net)

// The book's batch size is 256; the note lowers it to 16 for its CPU.
let batchSize = 16
let (trainIter, testIter) = d2l.loadDataFashionMNIST(batchSize: batchSize)

let (lr, numEpochs) = (0.001, d2l.numEpochs(default: 5))
var optimizer = Adam(net.parameters(), lr: lr)
d2l.trainCh5(net, trainIter, testIter, batchSize, optimizer, numEpochs)

// 简洁实现
net = Sequential(
    Conv2d(1, 6, 5),  // in_channels, out_channels, kernel_size
    BatchNorm2d(6),
    Sigmoid(),
    MaxPool2d(2, stride: 2),  // kernel_size, stride
    Conv2d(6, 16, 5),
    BatchNorm2d(16),
    Sigmoid(),
    MaxPool2d(2, stride: 2),
    Flatten(),
    Linear(16 * 4 * 4, 120),
    BatchNorm1d(120),
    Sigmoid(),
    Linear(120, 84),
    BatchNorm1d(84),
    Sigmoid(),
    Linear(84, 10)
)

optimizer = Adam(net.parameters(), lr: lr)
d2l.trainCh5(net, trainIter, testIter, batchSize, optimizer, numEpochs)
