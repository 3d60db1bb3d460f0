/// AlexNet as the textbook builds it for 224 × 224 images: five convolutions (11 × 11 stride 4,
/// then 5 × 5 and three 3 × 3) with three 3 × 3 stride-2 max poolings, then two 4096-wide fully
/// connected layers with dropout. Keys as `torch_ref.py`'s `alexnet()`, a flat `nn.Sequential`.
public final class AlexNet: Sequential {
    /// AlexNet for `inChannels`-channel 224 × 224 images and `numClasses` classes.
    public init(inChannels: Int = 1, numClasses: Int = 10) {
        super.init([
            Conv2d(inChannels, 96, kernelSize: 11, stride: 4), ReLU(), MaxPool2d(3, stride: 2),
            Conv2d(96, 256, kernelSize: 5, padding: 2), ReLU(), MaxPool2d(3, stride: 2),
            Conv2d(256, 384, kernelSize: 3, padding: 1), ReLU(),
            Conv2d(384, 384, kernelSize: 3, padding: 1), ReLU(),
            Conv2d(384, 256, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(3, stride: 2), Flatten(),
            Linear(256 * 5 * 5, 4096), ReLU(), Dropout(p: 0.5),
            Linear(4096, 4096), ReLU(), Dropout(p: 0.5),
            Linear(4096, numClasses),
        ])
    }
}
