// Concise softmax regression on Fashion-MNIST: nn.Sequential of a FlattenLayer and nn.Linear,
// named through an OrderedDict, init.normal_, nn.CrossEntropyLoss and torch.optim.SGD.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §3-6 ~ 3-7 "softmax regression", completed with
// the book's §3.7 training code (d2l.load_data_fashion_mnist, d2l.train_ch3) the note relies on.
// Run: swift run -c release SoftmaxRegressionConcise [epochs]   (the book trains 5 epochs)
import D2L
import Ember

let batchSize = 256
let (trainIter, testIter) = d2l.loadDataFashionMNIST(batchSize: batchSize)

let numInputs = 784
let numOutputs = 10

/// Flattens each sample of `(batch, *, *, ...)` into one feature vector. Ember's `Flatten()`
/// does the same; the note writes it out.
final class FlattenLayer: Module {
    override func forward(_ x: Tensor) -> Tensor {
        x.view(x.shape[0], -1)
    }
}

let net = Sequential([
    ("flatten", FlattenLayer()),
    ("linear", Linear(numInputs, numOutputs)),
])
print(net)

for params in net.parameters() {
    Init.normal_(params, mean: 0, std: 0.01)
}

let loss = CrossEntropyLoss()
let optimizer = SGD(net.parameters(), lr: 0.1)

let numEpochs = d2l.numEpochs(default: 5)
d2l.trainCh3({ net($0) }, trainIter, testIter, { loss($0, $1) }, numEpochs, batchSize, optimizer: optimizer)
