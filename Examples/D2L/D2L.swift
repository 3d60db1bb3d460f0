import Ember
import Foundation

/// The helpers the textbook keeps in its `d2lzh_pytorch` package ("本函数已保存在d2lzh_pytorch包中方便以后使用"),
/// shared by the example programs so each of them reads like its original: `import d2lzh_pytorch as d2l`
/// there, `import D2L` and `d2l.loadDataFashionMNIST(...)` here.
public enum d2l {
    /// A Fashion-MNIST loader of `(X, y)` batches: float images `[N, 1, H, W]` in [0, 1], int64 labels.
    public typealias Loader = DataLoader<FashionMNIST, (Tensor, Tensor)>

    /// The epoch count given as the first command-line argument, or `default` (the original's)
    /// when there is none, so that a program can be smoke-tested with `.build/release/<Name> 1`.
    public static func numEpochs(default value: Int) -> Int {
        guard CommandLine.arguments.count > 1 else { return value }
        guard let epochs = Int(CommandLine.arguments[1]), epochs > 0 else {
            FileHandle.standardError.write(Data("usage: \(CommandLine.arguments[0]) [epochs, default \(value)]\n".utf8))
            exit(2)
        }
        return epochs
    }

    /// Fashion-MNIST's training and test loaders, the images resized to `resize` × `resize` first
    /// when given. The book's `d2l.load_data_fashion_mnist(batch_size, resize=None)`; the data are
    /// read from `root` rather than downloaded.
    public static func loadDataFashionMNIST(batchSize: Int, resize: Int? = nil,
                                            root: String = FashionMNIST.defaultRoot) -> (trainIter: Loader, testIter: Loader) {
        var trans: [any Transform] = []
        if let resize { trans.append(Resize([resize, resize])) }
        trans.append(ToTensor())
        let transform = Compose(trans)
        do {
            let mnistTrain = try FashionMNIST(root: root, train: true, transform: transform)
            let mnistTest = try FashionMNIST(root: root, train: false, transform: transform)
            let trainIter = Loader(mnistTrain, batchSize: batchSize, shuffle: true)
            let testIter = Loader(mnistTest, batchSize: batchSize, shuffle: false)
            return (trainIter, testIter)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n(install it with scripts/bootstrap)\n".utf8))
            exit(1)
        }
    }

    /// Mini-batch stochastic gradient descent on gradients summed over a batch, zeroing them
    /// afterwards. The book's `d2l.sgd(params, lr, batch_size)`.
    public static func sgd(_ params: [Tensor], _ lr: Double, _ batchSize: Int) {
        noGrad {
            for param in params {
                param.sub_(lr * param.grad! / Double(batchSize))
                param.grad!.zero_()
            }
        }
    }
}

extension d2l {
    /// The linear model `Xw + b`. The book's `d2l.linreg`.
    public static func linreg(_ X: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
        X.matmul(w) + b
    }

    /// The halved squared error per sample. The book's `d2l.squared_loss`.
    public static func squaredLoss(_ yHat: Tensor, _ y: Tensor) -> Tensor {
        (yHat - y.view(yHat.shape)) ** 2 / 2
    }
}
