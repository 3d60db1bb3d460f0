/// VGG: blocks of 3 × 3 convolutions with ReLU, each block ending in a 2 × 2 max pooling that
/// halves height and width, then two 4096-wide fully connected layers with dropout. Keys as
/// `torch_ref.py`'s `vgg11()`, a flat `nn.Sequential`.
public final class VGG: Sequential {
    /// The blocks of the textbook's small VGG-11 (VGG-11's channels divided by 4), as
    /// `(convolutions, output channels)`.
    public static let vgg11Small = [(1, 16), (1, 32), (2, 64), (2, 128), (2, 128)]

    /// A VGG of `blocks` (`(convolutions, output channels)` each) for `inChannels`-channel
    /// `imageSize` × `imageSize` images and `numClasses` classes. `imageSize` must be a multiple
    /// of 2^blocks: the first fully connected layer takes what the last block leaves.
    public init(blocks: [(Int, Int)] = VGG.vgg11Small, inChannels: Int = 1, numClasses: Int = 10, imageSize: Int = 224) {
        var layers: [Module] = []
        var channels = inChannels
        for (convs, out) in blocks {
            for _ in 0..<convs {
                layers += [Conv2d(channels, out, kernelSize: 3, padding: 1), ReLU(inplace: true)]
                channels = out
            }
            layers.append(MaxPool2d(2, stride: 2))
        }
        let side = imageSize >> blocks.count
        layers += [
            Flatten(), Linear(channels * side * side, 4096), ReLU(), Dropout(p: 0.5),
            Linear(4096, 4096), ReLU(), Dropout(p: 0.5), Linear(4096, numClasses),
        ]
        super.init(layers)
    }
}
