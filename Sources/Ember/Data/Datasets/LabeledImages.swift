/// Images and their class labels held in memory, shared by the image-classification datasets:
/// a sample is a view of one image (and its label) with the transforms applied.
public struct LabeledImages: Sendable {
    /// uint8, one image per row of the first dimension.
    let images: Tensor
    /// int64 class indices, one per image.
    let labels: Tensor
    let transform: (any Transform)?
    let targetTransform: (any Transform)?

    /// Reads an IDX split, `prefix-images-idx3-ubyte` and `prefix-labels-idx1-ubyte` (each
    /// optionally `.gz`) in `root`, checking that counts agree and labels are below `classCount`.
    /// The labels are read first, so the image file's header is checked against them before its
    /// data is read (or its memory allocated).
    init(idxRoot root: String, prefix: String, classCount: Int,
         transform: (any Transform)?, targetTransform: (any Transform)?) throws(DatasetError) {
        try requireDirectory(root)
        let imageFile = try DatasetFile(root: root, name: prefix + "-images-idx3-ubyte")
        let labelFile = try DatasetFile(root: root, name: prefix + "-labels-idx1-ubyte")
        let labels = try readIDX(labelFile, rank: 1)
        let images = try readIDX(imageFile, rank: 3) { shape throws(DatasetError) in
            guard shape[0] > 0 else { throw DatasetError(.invalidFormat, path: imageFile.path, "holds no images") }
            guard shape[1] > 0 && shape[2] > 0 else {
                throw DatasetError(.invalidFormat, path: imageFile.path, "holds images of \(shape[1]) × \(shape[2]) pixels")
            }
            guard shape[0] == labels.shape[0] else {
                throw DatasetError(.invalidFormat, path: labelFile.path,
                                   "holds \(labels.shape[0]) labels, but '\(imageFile.path)' holds \(shape[0]) images")
            }
        }
        try checkLabels(UnsafeBufferPointer(start: labels.pointer(as: UInt8.self), count: labels.numel),
                        classCount: classCount, path: labelFile.path)
        self.init(images: images, labels: labels.to(.int64), transform: transform, targetTransform: targetTransform)
    }

    init(images: Tensor, labels: Tensor, transform: (any Transform)?, targetTransform: (any Transform)?) {
        self.images = images
        self.labels = labels
        self.transform = transform
        self.targetTransform = targetTransform
    }

    var count: Int { images.shape[0] }

    subscript(index: Int) -> (Tensor, Tensor) {
        let image = images.select(0, index), label = labels.select(0, index)
        return (transform.map { $0(image) } ?? image, targetTransform.map { $0(label) } ?? label)
    }

    /// Every image as float32 in [0, 1] with a channel dimension: `[N, C, H, W]`.
    func floatImages() -> Tensor {
        let x = unitFloats(images)
        return x.dim == 3 ? x.unsqueeze(1) : x
    }
}

/// A dataset of labeled images held in memory (MNIST, Fashion-MNIST, CIFAR-10): the accessors
/// torchvision's datasets have, read from `split`.
public protocol ImageClassificationDataset: Dataset where Sample == (Tensor, Tensor) {
    /// torchvision's class names, indexed by label. PyTorch: `dataset.classes`.
    static var classes: [String] { get }
    /// The images and labels in memory.
    var split: LabeledImages { get }
}

extension ImageClassificationDataset {
    /// The class names, indexed by label.
    public var classes: [String] { Self.classes }
    /// All images, uint8 `[N, H, W]` (gray) or `[N, C, H, W]`, for indexing whole batches at once.
    /// PyTorch: `dataset.data`.
    public var images: Tensor { split.images }
    /// All labels, int64 `[N]`. PyTorch: `dataset.targets`.
    public var labels: Tensor { split.labels }
    /// All images as float32 `[N, C, H, W]` in [0, 1], as `ToTensor` makes them.
    public func floatImages() -> Tensor { split.floatImages() }

    public var count: Int { split.count }
    public subscript(index: Int) -> (Tensor, Tensor) { split[index] }
}
