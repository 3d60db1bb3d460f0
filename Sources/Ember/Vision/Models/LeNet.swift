/// LeNet-5 as the textbook trains it on Fashion-MNIST resized to 32 × 32: two 5 × 5
/// convolutions with ReLU and 2 × 2 average pooling, then three fully connected layers. Its keys
/// are those of `torch_ref.py`'s `lenet()` (`0.weight`, …, `11.bias`), a flat `nn.Sequential`.
public final class LeNet: Sequential {
    /// LeNet for `inChannels`-channel 32 × 32 images and `numClasses` classes.
    public init(inChannels: Int = 1, numClasses: Int = 10) {
        super.init([
            Conv2d(inChannels, 6, kernelSize: 5), ReLU(), AvgPool2d(2, stride: 2),
            Conv2d(6, 16, kernelSize: 5), ReLU(), AvgPool2d(2, stride: 2), Flatten(),
            Linear(16 * 5 * 5, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, numClasses),
        ])
    }
}
