// Linear regression from scratch: a synthetic data set y = Xw + b + noise, a hand-made data
// iterator, model, squared loss and minibatch SGD.
// Mirrors shared/seeds/001_7446639a55cf15e7.txt, §3.2 "线性回归代码实现".
// Run: swift run -c release LinearRegressionScratch [epochs]   (the original trains 20 epochs)
//
// The original's sgd() is the book's d2l.sgd (Examples/D2L). Its matplotlib figure (the loss
// curve beside 100 predictions against their labels and the ideal y = x line) is drawn with
// Ember's Figure and written to LinearRegression.png (d2l.show, for plt.show()).
import D2L
import Ember

/// 线性模型加噪声构造数据集: `size` samples of features drawn from N(0, 1) and their labels.
func generator(_ trueW: Tensor, _ trueB: Double, size: Int = 2000) -> (Tensor, Tensor) {
    let X = Tensor.normal(mean: 0, std: 1, [size, trueW.shape[0]])
    var y = X.matmul(trueW) + trueB
    y += Tensor.normal(mean: 0, std: 0.01, y.shape)
    return (X, y.reshape(-1, 1))
}

/// 随机读取小批量数据的数据迭代器: the samples in a random order, `batchSize` at a time.
func dataIter(_ batchSize: Int, _ features: Tensor, _ labels: Tensor) -> some Sequence<(Tensor, Tensor)> {
    let examples = features.shape[0]
    var indices = Array(0..<examples)
    indices.shuffle()
    return stride(from: 0, to: examples, by: batchSize).lazy.map { i in
        let batchIndices = Tensor(Array(indices[i..<min(i + batchSize, examples)]))
        return (features[batchIndices], labels[batchIndices])
    }
}

/// 线性回归模型
func linreg(_ X: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
    X.matmul(w) + b
}

/// 均方损失, per sample (halved, as the book writes it).
func squaredLoss(_ yHat: Tensor, _ y: Tensor) -> Tensor {
    (yHat - y.reshape(yHat.shape)) ** 2 / 2
}

/// 训练模型
func train() {
    let trueW = Tensor([1.1, -4.5, 1.4])
    let trueB = 1.1919810
    let (features, labels) = generator(trueW, trueB)

    let batchSize = 30
    let lr = 0.008
    let epochs = d2l.numEpochs(default: 20)
    let net = linreg
    let loss = squaredLoss

    let w = Tensor.normal(mean: 0, std: 0.01, [3, 1], requiresGrad: true)
    let b = Tensor.zeros([1], requiresGrad: true)
    var lossHistory: [Double] = []

    for epoch in 1...epochs {
        for (X, y) in dataIter(batchSize, features, labels) {
            let l = loss(net(X, w, b), y)
            l.sum().backward()
            d2l.sgd([w, b], lr, batchSize)
        }
        noGrad {
            let trainL = loss(net(features, w, b), labels)
            let l: Double = trainL.mean().item()
            lossHistory.append(l)
            print(String(format: "epoch %d, loss %f", epoch, l))
        }
    }
    print(String(repeating: "-", count: 30))
    print("Δw: \(trueW - w.reshape(trueW.shape))")
    print("Δb: \(trueB - b)")

    let fig = Figure(size: (13, 6))
    let lossPlot = fig.subplot(1, 2, 1)
    lossPlot.plot(1...epochs, lossHistory, color: "b", marker: "o")
    lossPlot.xlabel("Epoch")
    lossPlot.ylabel("Loss (MSE)")
    lossPlot.title("Loss Curve")
    lossPlot.grid(true)
    noGrad {
        let sampleIdx = Tensor.randperm(features.shape[0])[0..<100]
        let sampleFeatures = features[sampleIdx]
        let sampleLabels = labels[sampleIdx]
        let predictions = net(sampleFeatures, w, b)

        let fitPlot = fig.subplot(1, 2, 2)
        fitPlot.scatter(sampleLabels, predictions, color: "red", alpha: 0.6, label: "Samples")
        let minVal: Double = min(sampleLabels.min().item(), predictions.min().item())
        let maxVal: Double = max(sampleLabels.max().item(), predictions.max().item())
        fitPlot.plot([minVal, maxVal], [minVal, maxVal], "g--", label: "Ideal Fit (y=x)", lineWidth: 2)
        fitPlot.xlabel("True Labels (y)")
        fitPlot.ylabel("Predicted Values (y_hat)")
        fitPlot.title("Predicted Results")
        fitPlot.legend()
        fitPlot.grid(true)
    }
    fig.tightLayout()
    d2l.show(fig, "LinearRegression")
}

train()
