// The multilayer perceptron rebuilt with PyTorch's high-level API: an nn.Module wrapping
// nn.Sequential (Flatten, Linear, ReLU), nn.CrossEntropyLoss and torch.optim.AdamW, trained and
// evaluated in train()/eval() mode; then its parameters saved and loaded again.
// Mirrors shared/seeds/001_7446639a55cf15e7.txt, §5.2 "重构 MLP" and §5.3 "save & load".
// Run: swift run -c release MLPConcise [epochs]   (the original trains 30 epochs)
//
// The original's accuracy(), evaluate() and train() are Ember's `accuracy(_:_:)` and
// `evaluate(model:batches:)` inside the book's d2l.train_ch5 (Examples/D2L), which also prints its
// banner; its matplotlib curves (d2l.lossAndAccuracyFigure) are written to SimpleMLP.png.
// torch.save(state_dict) writes a safetensors file here.
import D2L
import Ember
import Foundation

let batchSize = 256
let learningRate = 0.001
let epochs = d2l.numEpochs(default: 30)

let (trainLoader, testLoader) = d2l.loadDataFashionMNIST(batchSize: batchSize)

/// Flatten, then two ReLU hidden layers and the output layer.
final class MLP: Module {
    let net: Sequential

    init(_ inputSize: Int, _ hidden1: Int, _ hidden2: Int, _ outputSize: Int) {
        net = Sequential(
            Flatten(),
            Linear(inputSize, hidden1),
            ReLU(),
            Linear(hidden1, hidden2),
            ReLU(),
            Linear(hidden2, outputSize)
        )
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor {
        net(x)
    }
}

let nInput = 784
let nHidden1 = 256
let nHidden2 = 128
let nOutput = 10

let model = MLP(nInput, nHidden1, nHidden2, nOutput)
let optimizer = AdamW(model.parameters(), lr: learningRate)

let history = d2l.trainCh5(model, trainLoader, testLoader, batchSize, optimizer, epochs)
d2l.show(d2l.lossAndAccuracyFigure(history.trainLoss, history.trainAcc), "ConciseMLP")

// §5.3: save the parameters (the state dict), not the model; load them into a fresh model.
let path = FileManager.default.temporaryDirectory.appendingPathComponent("model.params").path
try model.save(to: path)
let clone = MLP(nInput, nHidden1, nHidden2, nOutput)
try clone.load(from: path)
clone.eval()
print("reloaded from \(path): test acc \(evaluate(model: { clone($0) }, batches: testLoader).accuracy)")
