// Dropout: written by hand (a keep mask from torch.rand, scaled by 1/keep_prob) in an MLP with
// two hidden layers of 256 units, trained only when is_training; then the note's nn.Sequential
// with two nn.Dropout layers. Both runs end with their train and test accuracy curves.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §3-11 ~ 3-13 "机器学习的其他常见问题" (dropout,
// the two-dropout MLP), completed with the book's §3.13 program the note summarizes.
// Run: swift run -c release Dropout [epochs]   (the original trains 5 epochs)
//
// d2l.train_ch3 evaluates the hand-made net with is_training false and the module in eval()
// mode, as the book's evaluate_accuracy does. The figures: Dropout-scratch.png, Dropout-concise.png.
import D2L
import Ember

/// 丢弃法: zeroes each element with probability `dropProb` and scales the rest by 1/(1 - dropProb).
func dropout(_ X: Tensor, _ dropProb: Double) -> Tensor {
    let X = X.float()
    precondition(0 <= dropProb && dropProb <= 1)
    let keepProb = 1 - dropProb
    // 这种情况下把全部元素都丢弃
    if keepProb == 0 {
        return Tensor.zerosLike(X)
    }
    let mask = Tensor.rand(X.shape).lt(Tensor(keepProb)).float()
    return mask * X / keepProb
}

let numInputs = 784, numOutputs = 10, numHiddens1 = 256, numHiddens2 = 256

let W1 = Tensor.normal(mean: 0, std: 0.01, [numInputs, numHiddens1], requiresGrad: true)
let b1 = Tensor.zeros([numHiddens1], requiresGrad: true)
let W2 = Tensor.normal(mean: 0, std: 0.01, [numHiddens1, numHiddens2], requiresGrad: true)
let b2 = Tensor.zeros([numHiddens2], requiresGrad: true)
let W3 = Tensor.normal(mean: 0, std: 0.01, [numHiddens2, numOutputs], requiresGrad: true)
let b3 = Tensor.zeros([numOutputs], requiresGrad: true)
let params = [W1, b1, W2, b2, W3, b3]

let dropProb1 = 0.2, dropProb2 = 0.5

/// The MLP, dropping out after each hidden layer while training.
func net(_ X: Tensor, _ isTraining: Bool = true) -> Tensor {
    let X = X.view(-1, numInputs)
    var H1 = (X.matmul(W1) + b1).relu()
    if isTraining {  // 只在训练模型时使用丢弃法
        H1 = dropout(H1, dropProb1)  // 在第一层全连接后添加丢弃层
    }
    var H2 = (H1.matmul(W2) + b2).relu()
    if isTraining {
        H2 = dropout(H2, dropProb2)  // 在第二层全连接后添加丢弃层
    }
    return H2.matmul(W3) + b3
}

let numEpochs = d2l.numEpochs(default: 5), lr = 100.0, batchSize = 256
let loss = CrossEntropyLoss()
let (trainIter, testIter) = d2l.loadDataFashionMNIST(batchSize: batchSize)

/// Each epoch's training and test accuracy, as curves.
func accuracyFigure(_ history: d2l.History, _ title: String) -> Figure {
    let fig = Figure(size: (5, 3.5))
    let ax = fig.subplot(1, 1, 1)
    let epochs = (1...history.trainAcc.count).map(Double.init)
    ax.plot(epochs, history.trainAcc, label: "train acc", marker: "o")
    ax.plot(epochs, history.testAcc, label: "test acc", marker: "o", lineStyle: "--")
    ax.xlabel("epoch")
    ax.title(title)
    ax.legend()
    ax.grid(true)
    fig.tightLayout()
    return fig
}

let scratch = d2l.trainCh3(net, trainIter, testIter, { loss($0, $1) }, numEpochs, batchSize, params, lr)
d2l.show(accuracyFigure(scratch, "dropout from scratch"), "Dropout-scratch")

// 简洁实现
let concise = Sequential(
    Flatten(),
    Linear(numInputs, numHiddens1),
    ReLU(),
    Dropout(p: dropProb1),
    Linear(numHiddens1, numHiddens2),
    ReLU(),
    Dropout(p: dropProb2),
    Linear(numHiddens2, 10)
)
for param in concise.parameters() {
    Init.normal_(param, mean: 0, std: 0.01)
}
let optimizer = SGD(concise.parameters(), lr: 0.5)
let history = d2l.trainCh3(concise, trainIter, testIter, { loss($0, $1) }, numEpochs, batchSize, optimizer: optimizer)
d2l.show(accuracyFigure(history, "nn.Dropout"), "Dropout-concise")
