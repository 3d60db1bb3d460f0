// A multilayer perceptron from scratch on Fashion-MNIST: two ReLU hidden layers (256, 128),
// hand-made softmax, cross-entropy and SGD.
// Mirrors shared/seeds/001_7446639a55cf15e7.txt, §4.3 "实现 MLP".
// Run: swift run -c release MLPScratch [epochs]   (the original trains 30 epochs)
//
// As in SoftmaxRegressionScratch, the original's accuracy() is Ember's `accuracy(_:_:)`, its sgd()
// and train() are d2l.sgd and d2l.train_ch3 (which prints its banner), and its matplotlib
// curves (d2l.lossAndAccuracyFigure) are written to SimpleMLP.png.
import D2L
import Ember

let batchSize = 256
let learningRate = 0.1
let epochs = d2l.numEpochs(default: 30)

let (trainLoader, testLoader) = d2l.loadDataFashionMNIST(batchSize: batchSize)

let nInput = 784
let nHidden1 = 256
let nHidden2 = 128
let nOutput = 10

let W1 = Tensor.normal(mean: 0, std: 0.01, [nInput, nHidden1], requiresGrad: true)
let b1 = Tensor.zeros([nHidden1], requiresGrad: true)
let W2 = Tensor.normal(mean: 0, std: 0.01, [nHidden1, nHidden2], requiresGrad: true)
let b2 = Tensor.zeros([nHidden2], requiresGrad: true)
let W3 = Tensor.normal(mean: 0, std: 0.01, [nHidden2, nOutput], requiresGrad: true)
let b3 = Tensor.zeros([nOutput], requiresGrad: true)
let params = [W1, b1, W2, b2, W3, b3]

/// `max(X, 0)` element by element.
func relu(_ X: Tensor) -> Tensor {
    let a = Tensor.zerosLike(X)
    return X.maximum(a)
}

/// 计算 softmax 值: exp of each logit over the sum of its row's.
func softmax(_ X: Tensor) -> Tensor {
    let XExp = X.exp()
    let partition = XExp.sum(dim: 1, keepDim: true)
    return XExp / partition
}

/// 输入特征 X,经过两层隐藏层后返回预测输出: class probabilities `[N, 10]`.
func net(_ X: Tensor) -> Tensor {
    let X = X.reshape(-1, nInput)
    let H1 = relu(X.matmul(W1) + b1)
    let H2 = relu(H1.matmul(W2) + b2)
    return softmax(H2.matmul(W3) + b3)
}

/// 交叉熵损失: the per-sample `-log` of the probability given to the true class.
func crossEntropy(_ yHat: Tensor, _ y: Tensor) -> Tensor {
    -yHat[Tensor.arange(yHat.shape[0]), y].log()
}

let history = d2l.trainCh3(net, trainLoader, testLoader, crossEntropy, epochs, batchSize, params, learningRate)
d2l.show(d2l.lossAndAccuracyFigure(history.trainLoss, history.trainAcc), "SimpleMLP")
