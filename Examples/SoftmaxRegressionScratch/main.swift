// Softmax regression from scratch on Fashion-MNIST: hand-made softmax, cross-entropy and SGD.
// Mirrors shared/seeds/001_7446639a55cf15e7.txt, §3.4 "softmax 回归 实现 Fashion-MNIST 分类".
// Run: swift run -c release SoftmaxRegressionScratch [epochs]   (the original trains 30 epochs)
//
// The original's accuracy() is Ember's `accuracy(_:_:)`, its sgd() and train() loop are the book's
// d2l.sgd and d2l.train_ch3 (Examples/D2L), which also prints its device and batch-size banner;
// its matplotlib curves (d2l.lossAndAccuracyFigure) are written to SoftmaxRegression.png.
// At the end, as the book's §3.6 does, nine test images with their true and predicted labels
// (d2l.show_fashion_mnist) go to FashionMNIST-predictions.png.
import D2L
import Ember

let batchSize = 256
let learningRate = 0.1
let epochs = d2l.numEpochs(default: 30)

let (trainLoader, testLoader) = d2l.loadDataFashionMNIST(batchSize: batchSize)

let nInput = 784
let nOutput = 10

let W = Tensor.normal(mean: 0, std: 0.01, [nInput, nOutput], requiresGrad: true)
let b = Tensor.zeros([nOutput], requiresGrad: true)

/// 计算 softmax 值: exp of each logit over the sum of its row's.
func softmax(_ X: Tensor) -> Tensor {
    let XExp = X.exp()
    let partition = XExp.sum(dim: 1, keepDim: true)
    return XExp / partition
}

/// 输入特征 X,返回模型预测输出: class probabilities `[N, 10]`.
func net(_ X: Tensor) -> Tensor {
    softmax(X.reshape(-1, W.shape[0]).matmul(W) + b)
}

/// 交叉熵损失: the per-sample `-log` of the probability given to the true class.
func crossEntropy(_ yHat: Tensor, _ y: Tensor) -> Tensor {
    -yHat[Tensor.arange(yHat.shape[0]), y].log()
}

let history = d2l.trainCh3(net, trainLoader, testLoader, crossEntropy, epochs, batchSize, [W, b], learningRate)
d2l.show(d2l.lossAndAccuracyFigure(history.trainLoss, history.trainAcc), "SoftmaxRegression")

// 预测: nine test images under their true and predicted labels.
var testBatches = testLoader.makeIterator()
let (X, y) = testBatches.next()!
let trueLabels = d2l.getFashionMNISTLabels(y.toInts())
let predLabels = d2l.getFashionMNISTLabels(net(X).argmax(dim: 1).toInts())
let titles = zip(trueLabels, predLabels).map { $0 + "\n" + $1 }
d2l.show(d2l.showFashionMNIST(X[0..<9], Array(titles[0..<9])), "FashionMNIST-predictions")
