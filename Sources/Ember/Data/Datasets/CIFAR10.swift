/// CIFAR-10: 50,000 training and 10,000 test color images of 32×32 pixels in ten classes, read
/// from the binary version's batch files in `root` (`data_batch_1.bin` ... `data_batch_5.bin`,
/// `test_batch.bin`, each optionally gzipped): records of one label byte and 3,072 pixel bytes
/// (the red, green and blue planes). A sample is the uint8 image `[3, 32, 32]` and its int64
/// label, after `transform` and `targetTransform`. torchvision: `torchvision.datasets.CIFAR10`
/// (which reads the Python pickles and yields HWC images instead).
public struct CIFAR10: ImageClassificationDataset {
    /// torchvision's class names. PyTorch: `CIFAR10.classes`.
    public static let classes = ["airplane", "automobile", "bird", "cat", "deer",
                                 "dog", "frog", "horse", "ship", "truck"]
    private static let recordSize = 1 + 3 * 32 * 32
    /// A batch file holds 10,000 images; larger ones are refused before they fill memory.
    private static let maxRecords = 100_000
    public let split: LabeledImages

    /// Reads the training batches, or the test batch when `train` is false.
    public init(root: String, train: Bool = true, transform: (any Transform)? = nil,
                targetTransform: (any Transform)? = nil) throws(DatasetError) {
        try requireDirectory(root)
        let names = train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        var records: [UInt8] = []
        for name in names {
            let file = try DatasetFile(root: root, name: name)
            let bytes = try file.readToEnd(limit: Self.maxRecords * Self.recordSize)
            guard !bytes.isEmpty, bytes.count % Self.recordSize == 0 else {
                throw DatasetError(.invalidFormat, path: file.path,
                                   "holds \(bytes.count) bytes; expected a positive multiple of \(Self.recordSize) (1 label byte and 3072 pixel bytes per image)")
            }
            for r in Swift.stride(from: 0, to: bytes.count, by: Self.recordSize) where bytes[r] >= Self.classes.count {
                throw DatasetError(.labelOutOfRange, path: file.path,
                                   "label \(bytes[r]) of image \(r / Self.recordSize) is out of range; expected 0..<\(Self.classes.count)")
            }
            records += bytes
        }
        let n = records.count / Self.recordSize
        let images = Tensor(uninitializedShape: [n, 3, 32, 32], dtype: .uint8)
        let labels = Tensor(uninitializedShape: [n], dtype: .int64)
        let pixels = images.pointer(as: UInt8.self), classes = labels.pointer(as: Int64.self)
        records.withUnsafeBufferPointer { b in
            for i in 0..<n {
                classes[i] = Int64(b[i * Self.recordSize])
                (pixels + i * (Self.recordSize - 1))
                    .update(from: b.baseAddress! + i * Self.recordSize + 1, count: Self.recordSize - 1)
            }
        }
        split = LabeledImages(images: images, labels: labels, transform: transform, targetTransform: targetTransform)
    }

}
