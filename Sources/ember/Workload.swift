import ArgumentParser
import Ember

/// The textbook's experiments, with the recipes `shared/bench/torch_ref.py` runs them with.
enum Workload: String, CaseIterable, ExpressibleByArgument {
    case linreg, softmax, mlpScratch = "mlp-scratch", mlp, lenet, bnLenet = "bn-lenet"
    /// The CNN chapter's networks from the model zoo.
    case resnet18, densenet, googlenet, mobilenetV2 = "mobilenet-v2", alexnet, vgg11, nin

    /// Epochs when `--epochs` is not given: the runs PyTorch's accuracy bars were measured with.
    var defaultEpochs: Int {
        switch self {
        case .linreg: 20
        case .softmax, .mlpScratch: 30
        case .mlp, .lenet: 20
        case .bnLenet: 5
        case .resnet18, .densenet, .googlenet, .mobilenetV2, .alexnet, .vgg11, .nin: 10
        }
    }

    var defaultBatchSize: Int {
        switch self {
        case .linreg: 30
        case .resnet18, .densenet, .googlenet, .mobilenetV2: 64
        case .alexnet, .vgg11, .nin: 32
        default: 256
        }
    }

    /// The batch size for the test split: 1000 images as torch_ref.py evaluates, fewer for
    /// larger images so that a batch's activations stay near the training step's size (1000
    /// AlexNet images of 224 × 224 would hold 1.1 GB in the first layer's output alone).
    var evalBatchSize: Int { imageSize <= 32 ? 1000 : Swift.max(32, 1000 * 28 * 28 / (imageSize * imageSize)) }

    var defaultLR: Double {
        switch self {
        case .linreg: 0.008
        case .softmax, .mlpScratch: 0.1
        default: 1e-3
        }
    }

    /// Trained from scratch: hand-made parameters, the textbook's own softmax and loss, and SGD
    /// on the summed loss (`p -= lr * p.grad / batch`).
    var fromScratch: Bool { self == .linreg || self == .softmax || self == .mlpScratch }

    /// Side of the square input images: LeNet takes Fashion-MNIST resized to 32×32, as the
    /// textbook does; linreg has no images.
    var imageSize: Int {
        switch self {
        case .lenet: 32
        case .resnet18, .densenet, .googlenet, .mobilenetV2: 96
        case .alexnet, .vgg11, .nin: 224
        default: 28
        }
    }

    /// The model, as the textbook (and torch_ref.py) builds it.
    func model() -> Module {
        switch self {
        case .linreg:
            ScratchNet(sizes: [3, 1], classifier: false)
        case .softmax:
            ScratchNet(sizes: [784, 10], classifier: true)
        case .mlpScratch:
            ScratchNet(sizes: [784, 256, 128, 10], classifier: true)
        case .mlp:
            Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
        case .lenet: LeNet()
        case .bnLenet:
            Sequential(Conv2d(1, 6, 5), BatchNorm2d(6), Sigmoid(), MaxPool2d(2, stride: 2),
                       Conv2d(6, 16, 5), BatchNorm2d(16), Sigmoid(), MaxPool2d(2, stride: 2), Flatten(),
                       Linear(256, 120), BatchNorm1d(120), Sigmoid(), Linear(120, 84), BatchNorm1d(84), Sigmoid(),
                       Linear(84, 10))
        case .resnet18: ResNet()
        case .densenet: DenseNet()
        case .googlenet: GoogLeNet()
        case .mobilenetV2: MobileNetV2()
        case .alexnet: AlexNet()
        case .vgg11: VGG()
        case .nin: NiN()
        }
    }

    /// The recipe's optimizer. From scratch, `p -= lr * p.grad / batch` is SGD at `lr / batch`.
    func optimizer(_ params: [Tensor], lr: Double, batchSize: Int) -> Optimizer {
        switch self {
        case .linreg, .softmax, .mlpScratch: SGD(params, lr: lr / Double(batchSize))
        case .mlp: AdamW(params, lr: lr)
        default: Adam(params, lr: lr)
        }
    }

    /// The training loss of a batch: the textbook's summed `-log(y_hat[range(n), y])` from
    /// scratch (the model outputs probabilities), mean cross-entropy on logits otherwise.
    func loss(_ output: Tensor, _ labels: Tensor) -> Tensor {
        guard fromScratch else { return F.crossEntropy(output, labels) }
        let picked = output[Tensor.arange(labels.shape[0]), labels]
        return -picked.log().sum()
    }

    /// The loss averaged over the batch, for reports.
    func meanLoss(_ output: Tensor, _ labels: Tensor) -> Tensor {
        fromScratch ? loss(output, labels) / Double(labels.shape[0]) : loss(output, labels)
    }

    /// The model's input for a batch of float images `[B, 1, size, size]`.
    func input(_ images: Tensor) -> Tensor {
        fromScratch ? images.reshape(-1, 784) : images
    }
}

/// The textbook's from-scratch networks: affine layers `x @ W + b` with `max(x, 0)` between
/// them, and for a classifier the textbook's own softmax `exp(o) / sum(exp(o))` (not the
/// numerically stable one). Weights start from N(0, 0.01²), biases at zero. Saved under the keys
/// `params.0` (W1), `params.1` (b1), ….
final class ScratchNet: Module {
    let params: ParameterList
    let classifier: Bool

    init(sizes: [Int], classifier: Bool) {
        var tensors: [Tensor] = []
        for (i, o) in zip(sizes, sizes.dropFirst()) {
            tensors += [Tensor.normal(mean: 0, std: 0.01, [i, o]), Tensor.zeros([o])]
        }
        params = ParameterList(tensors)
        self.classifier = classifier
        super.init()
    }

    override func forward(_ input: Tensor) -> Tensor {
        var x = input
        for k in Swift.stride(from: 0, to: params.count - 2, by: 2) {
            x = (x.matmul(params[k]) + params[k + 1]).maximum(0.0 as Double)
        }
        let o = x.matmul(params[params.count - 2]) + params[params.count - 1]
        guard classifier else { return o }
        let e = o.exp()
        return e / e.sum(dim: 1, keepDim: true)
    }
}
