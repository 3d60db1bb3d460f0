// Concise linear regression: a Dataset of synthetic samples, a DataLoader, an nn.Module with
// one nn.Linear layer, init, MSELoss and torch.optim.SGD.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §3-1 ~ 3-3 "linear regression线性回归" (MyDataset,
// DataLoader, LinearNet), completed with the book's §3.3 program the note summarizes.
// Run: swift run -c release LinearRegressionConcise [epochs]   (the original trains 3 epochs)
//
// `print(optimizer)` is left out: Ember's optimizers have no printed form.
import D2L
import Ember

let numInputs = 2
let numExamples = 1000
let trueW = [2, -3.4]
let trueB = 4.2
let features = Tensor.normal(mean: 0, std: 1, [numExamples, numInputs])
var labels = trueW[0] * features[.all, 0] + trueW[1] * features[.all, 1] + trueB
labels += Tensor.normal(mean: 0, std: 0.01, labels.shape)

/// A map-style dataset over in-memory features and labels: the note's `MyDataset`, whose
/// `__len__` and `__getitem__` are `count` and the subscript here.
struct MyDataset: Dataset {
    let features: Tensor
    let labels: Tensor

    var count: Int { features.shape[0] }

    subscript(idx: Int) -> (Tensor, Tensor) { (features[idx], labels[idx]) }
}

let batchSize = 10
let dataset = MyDataset(features: features, labels: labels)
let dataIter = DataLoader(dataset, batchSize: batchSize, shuffle: true)

/// One linear layer from `nFeature` inputs to a single output.
final class LinearNet: Module {
    let linear: Linear

    init(_ nFeature: Int) {
        linear = Linear(nFeature, 1)
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor {
        let y = linear(x)
        return y
    }
}

let net = LinearNet(numInputs)
print(net)
for param in net.parameters() {
    print(param)
}

Init.normal_(net.linear.weight, mean: 0, std: 0.01)
Init.constant_(net.linear.bias!, 0)

let loss = MSELoss()
let optimizer = SGD(net.parameters(), lr: 0.03)

let numEpochs = d2l.numEpochs(default: 3)
for epoch in 1...numEpochs {
    var l = Tensor(0.0)
    for (X, y) in dataIter {
        let output = net(X)
        l = loss(output, y.view(-1, 1))
        optimizer.zeroGrad()
        l.backward()
        optimizer.step()
    }
    print(String(format: "epoch %d, loss: %f", epoch, l.item()))
}

let dense = net.linear
print(trueW, dense.weight)
print(trueB, dense.bias!)
