/// The MNIST handwritten digits: 60,000 training and 10,000 test images of 28×28 gray pixels,
/// read from the IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-...`,
/// each optionally gzipped) in `root`. A sample is the uint8 image `[28, 28]` and its int64 label,
/// after `transform` and `targetTransform`. torchvision: `torchvision.datasets.MNIST`.
public struct MNIST: ImageClassificationDataset {
    /// torchvision's class names. PyTorch: `MNIST.classes`.
    public static let classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
                                 "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    public let split: LabeledImages

    /// Reads the training split, or the test split when `train` is false.
    public init(root: String, train: Bool = true, transform: (any Transform)? = nil,
                targetTransform: (any Transform)? = nil) throws(DatasetError) {
        split = try LabeledImages(idxRoot: root, prefix: train ? "train" : "t10k", classCount: Self.classes.count,
                                  transform: transform, targetTransform: targetTransform)
    }
}

/// Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28×28 gray pixels in ten
/// classes, in MNIST's IDX files (optionally gzipped) in `root`. A sample is the uint8 image
/// `[28, 28]` and its int64 label, after `transform` and `targetTransform`. torchvision:
/// `torchvision.datasets.FashionMNIST`.
public struct FashionMNIST: ImageClassificationDataset {
    /// Where `scripts/bootstrap` installs the data.
    public static let defaultRoot = "/usr/share/datasets/fashion-mnist"
    /// torchvision's class names. PyTorch: `FashionMNIST.classes`.
    public static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    public let split: LabeledImages

    /// Reads the training split, or the test split when `train` is false.
    public init(root: String = FashionMNIST.defaultRoot, train: Bool = true, transform: (any Transform)? = nil,
                targetTransform: (any Transform)? = nil) throws(DatasetError) {
        split = try LabeledImages(idxRoot: root, prefix: train ? "train" : "t10k", classCount: Self.classes.count,
                                  transform: transform, targetTransform: targetTransform)
    }
}
