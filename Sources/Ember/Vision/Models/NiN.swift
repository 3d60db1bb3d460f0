/// Network in Network for 224 × 224 images: four NiN blocks (a convolution followed by two 1 × 1
/// convolutions, each with ReLU), max pooling between them, dropout, and a last block with one
/// channel per class averaged over the image. Keys as `torch_ref.py`'s `nin()`, a flat
/// `nn.Sequential` (the blocks' layers are spliced in, not nested).
public final class NiN: Sequential {
    /// NiN for `inChannels`-channel 224 × 224 images and `numClasses` classes.
    public init(inChannels: Int = 1, numClasses: Int = 10) {
        super.init(
            Self.block(inChannels, 96, kernelSize: 11, stride: 4, padding: 0) + [MaxPool2d(3, stride: 2)]
                + Self.block(96, 256, kernelSize: 5, stride: 1, padding: 2) + [MaxPool2d(3, stride: 2)]
                + Self.block(256, 384, kernelSize: 3, stride: 1, padding: 1) + [MaxPool2d(3, stride: 2), Dropout(p: 0.5)]
                + Self.block(384, numClasses, kernelSize: 3, stride: 1, padding: 1)
                + [AdaptiveAvgPool2d(1), Flatten()])
    }

    /// A NiN block's layers: a `kernelSize` convolution and two 1 × 1 convolutions, each
    /// followed by ReLU. The textbook's `nin_block`.
    public static func block(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int, padding: Int) -> [Module] {
        [Conv2d(inChannels, outChannels, kernelSize: IntOrTuple(kernelSize), stride: IntOrTuple(stride),
                padding: .explicit([padding])), ReLU(),
         Conv2d(outChannels, outChannels, kernelSize: 1), ReLU(),
         Conv2d(outChannels, outChannels, kernelSize: 1), ReLU()]
    }
}
