// LeNet-5 on 32 × 32 images: two convolution blocks (ReLU, average pooling) and three fully
// connected layers, trained with AdamW.
// Mirrors shared/seeds/001_7446639a55cf15e7.txt, §6.3 "LeNet-5".
// Run: swift run -c release LeNet5 [epochs]   (the original trains 20 epochs)
//
// The original trains on MNIST; this machine holds Fashion-MNIST only, which Ember reads the same
// way (`MNIST(root:)` takes the same IDX files), so it trains on that. Its training loop and banner
// are §5.2's, here the book's d2l.train_ch5 (Examples/D2L).
import D2L
import Ember

let batchSize = 256
let learningRate = 0.001
let epochs = d2l.numEpochs(default: 20)

// transforms.Compose([transforms.Resize((32, 32)), transforms.ToTensor()])
let (trainLoader, testLoader) = d2l.loadDataFashionMNIST(batchSize: batchSize, resize: 32)

/// The convolutional feature extractor, then the classifier.
final class LeNet5: Module {
    let getFeature = Sequential(
        Conv2d(1, 6, kernelSize: 5),
        ReLU(),
        AvgPool2d(2, stride: 2),
        Conv2d(6, 16, kernelSize: 5),
        ReLU(),
        AvgPool2d(2, stride: 2)
    )
    let classify = Sequential(
        Flatten(),
        Linear(16 * 5 * 5, 120),
        ReLU(),
        Linear(120, 84),
        ReLU(),
        Linear(84, 10)
    )

    override func forward(_ x: Tensor) -> Tensor {
        var x = getFeature(x)
        x = classify(x)
        return x
    }
}

let model = LeNet5()
let optimizer = AdamW(model.parameters(), lr: learningRate)

d2l.trainCh5(model, trainLoader, testLoader, batchSize, optimizer, epochs)
