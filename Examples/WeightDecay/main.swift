// Weight decay: high-dimensional linear regression with 20 training samples, fitted without and
// with an L2 penalty written by hand, then with the optimizer's weight_decay; each fit draws its
// training and test loss on a log scale.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §3-11 ~ 3-13 "机器学习的其他常见问题" (its
// `l2_penalty`), completed with the book's §3.12 program the note summarizes.
// Run: swift run -c release WeightDecay [epochs]   (the original trains 100 epochs)
//
// Each d2l.semilogy figure is written as a PNG (d2l.show): WeightDecay-lambd0.png,
// WeightDecay-lambd3.png, WeightDecay-wd0.png, WeightDecay-wd3.png.
import D2L
import Ember

let nTrain = 20, nTest = 100, numInputs = 200
let trueW = Tensor.ones([numInputs, 1]) * 0.01, trueB = 0.05

let features = Tensor.randn([nTrain + nTest, numInputs])
var labels = features.matmul(trueW) + trueB
labels += Tensor.normal(mean: 0, std: 0.01, labels.shape)
let trainFeatures = features[..<nTrain], testFeatures = features[nTrain...]
let trainLabels = labels[..<nTrain], testLabels = labels[nTrain...]

/// Parameters drawn afresh for each fit.
func initParams() -> [Tensor] {
    let w = Tensor.randn([numInputs, 1], requiresGrad: true)
    let b = Tensor.zeros([1], requiresGrad: true)
    return [w, b]
}

/// L₂ 范数惩罚项: half the sum of squared weights.
func l2Penalty(_ w: Tensor) -> Tensor {
    (w ** 2).sum() / 2
}

let batchSize = 1, numEpochs = d2l.numEpochs(default: 100), lr = 0.003
let net = d2l.linreg, loss = d2l.squaredLoss

let dataset = TensorDataset(trainFeatures, trainLabels)
let trainIter = DataLoader(dataset, batchSize: batchSize, shuffle: true)

/// Fits with the hand-written penalty weighted by `lambd` and draws the losses.
func fitAndPlot(lambd: Double) {
    let params = initParams(), w = params[0], b = params[1]
    var trainLs: [Double] = [], testLs: [Double] = []
    for _ in 0..<numEpochs {
        for (X, y) in trainIter {
            // 添加了L2范数惩罚项
            let l = (loss(net(X, w, b), y) + lambd * l2Penalty(w)).sum()
            l.backward()
            d2l.sgd([w, b], lr, batchSize)
        }
        noGrad {
            trainLs.append(loss(net(trainFeatures, w, b), trainLabels).mean().item())
            testLs.append(loss(net(testFeatures, w, b), testLabels).mean().item())
        }
    }
    let epochs = (1...numEpochs).map(Double.init)
    d2l.show(d2l.semilogy(epochs, trainLs, "epochs", "loss", epochs, testLs, ["train", "test"]),
             "WeightDecay-lambd\(Int(lambd))")
    print("L2 norm of w:", w.norm().item() as Double)
}

/// Fits `nn.Linear` with SGD's `weight_decay` on the weight only and draws the losses.
func fitAndPlotPytorch(_ wd: Double) {
    // 对权重参数衰减。权重名称一般是以weight结尾
    let net = Linear(numInputs, 1)
    Init.normal_(net.weight, mean: 0, std: 1)
    Init.normal_(net.bias!, mean: 0, std: 1)
    let optimizerW = SGD([net.weight], lr: lr, weightDecay: wd)  // 对权重参数衰减
    let optimizerB = SGD([net.bias!], lr: lr)  // 不对偏差参数衰减

    var trainLs: [Double] = [], testLs: [Double] = []
    for _ in 0..<numEpochs {
        for (X, y) in trainIter {
            let l = loss(net(X), y).mean()
            optimizerW.zeroGrad()
            optimizerB.zeroGrad()
            l.backward()
            // 对两个optimizer实例分别调用step函数,从而分别更新权重和偏差
            optimizerW.step()
            optimizerB.step()
        }
        noGrad {
            trainLs.append(loss(net(trainFeatures), trainLabels).mean().item())
            testLs.append(loss(net(testFeatures), testLabels).mean().item())
        }
    }
    let epochs = (1...numEpochs).map(Double.init)
    d2l.show(d2l.semilogy(epochs, trainLs, "epochs", "loss", epochs, testLs, ["train", "test"]),
             "WeightDecay-wd\(Int(wd))")
    print("L2 norm of w:", net.weight.norm().item() as Double)
}

fitAndPlot(lambd: 0)
fitAndPlot(lambd: 3)
fitAndPlotPytorch(0)
fitAndPlotPytorch(3)
