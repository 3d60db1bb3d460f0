// Layers that rearrange without learning shapes of their own: pixel shuffles, sliding-block
// (un)folds, bags of embeddings.

/// `(*, C·r², H, W)` to `(*, C, H·r, W·r)`. PyTorch: `torch.nn.PixelShuffle`.
public final class PixelShuffle: Module {
    public let upscaleFactor: Int
    /// PyTorch: `nn.PixelShuffle(upscale_factor)`.
    public init(_ upscaleFactor: Int) { self.upscaleFactor = upscaleFactor; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.pixelShuffle(input, upscaleFactor: upscaleFactor) }
    public override var extraRepr: String { "upscale_factor=\(upscaleFactor)" }
}

/// `(*, C, H·r, W·r)` to `(*, C·r², H, W)`. PyTorch: `torch.nn.PixelUnshuffle`.
public final class PixelUnshuffle: Module {
    public let downscaleFactor: Int
    /// PyTorch: `nn.PixelUnshuffle(downscale_factor)`.
    public init(_ downscaleFactor: Int) { self.downscaleFactor = downscaleFactor; super.init() }
    public override func forward(_ input: Tensor) -> Tensor { F.pixelUnshuffle(input, downscaleFactor: downscaleFactor) }
    public override var extraRepr: String { "downscale_factor=\(downscaleFactor)" }
}

/// Sliding blocks as columns (im2col). PyTorch: `torch.nn.Unfold`.
public final class Unfold: Module {
    public let kernelSize: IntOrTuple, dilation: IntOrTuple, padding: IntOrTuple, stride: IntOrTuple
    /// PyTorch: `nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)`.
    public init(_ kernelSize: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0, stride: IntOrTuple = 1) {
        (self.kernelSize, self.dilation, self.padding, self.stride) = (kernelSize, dilation, padding, stride)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        F.unfold(input, kernelSize: kernelSize.values, dilation: dilation.values, padding: padding.values, stride: stride.values)
    }
    public override var extraRepr: String { "kernel_size=\(kernelSize), dilation=\(dilation), padding=\(padding), stride=\(stride)" }
}

/// Columns summed back into an image (col2im). PyTorch: `torch.nn.Fold`.
public final class Fold: Module {
    public let outputSize: IntOrTuple, kernelSize: IntOrTuple, dilation: IntOrTuple, padding: IntOrTuple, stride: IntOrTuple
    /// PyTorch: `nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)`.
    public init(outputSize: IntOrTuple, kernelSize: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0,
                stride: IntOrTuple = 1) {
        (self.outputSize, self.kernelSize, self.dilation, self.padding, self.stride) = (outputSize, kernelSize, dilation, padding, stride)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        F.fold(input, outputSize: outputSize.values, kernelSize: kernelSize.values, dilation: dilation.values,
               padding: padding.values, stride: stride.values)
    }
    public override var extraRepr: String {
        "output_size=\(outputSize), kernel_size=\(kernelSize), dilation=\(dilation), padding=\(padding), stride=\(stride)"
    }
}

/// Bags of embeddings reduced to one row each; called as `bag(input)` for 2-D input or
/// `bag(input, offsets)`. PyTorch: `torch.nn.EmbeddingBag`.
public final class EmbeddingBag: Module {
    public let numEmbeddings: Int, embeddingDim: Int
    public let mode: F.BagMode
    public let paddingIdx: Int?
    /// `(numEmbeddings, embeddingDim)`, drawn from N(0, 1).
    @Parameter public var weight: Tensor

    /// PyTorch: `nn.EmbeddingBag(num_embeddings, embedding_dim, mode='mean', padding_idx=None)`.
    public init(_ numEmbeddings: Int, _ embeddingDim: Int, mode: F.BagMode = .mean, paddingIdx: Int? = nil,
                dtype: DType = .float32, generator: Generator? = nil) {
        (self.numEmbeddings, self.embeddingDim, self.mode) = (numEmbeddings, embeddingDim, mode)
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        weight = Tensor.empty([numEmbeddings, embeddingDim], dtype: dtype)
        super.init()
        Init.normal_(weight, generator: generator)
        if let p = self.paddingIdx { noGrad { _ = weight[p].zero_() } }
    }

    public override func forward(_ input: Tensor) -> Tensor { F.embeddingBag(input, weight, mode: mode, paddingIdx: paddingIdx) }
    public override func forward(_ input: Tensor, _ offsets: Tensor) -> Tensor {
        F.embeddingBag(input, weight, offsets: offsets, mode: mode, paddingIdx: paddingIdx)
    }
    public override var extraRepr: String {
        "\(numEmbeddings), \(embeddingDim), mode='\(mode.rawValue)'" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "")
    }
}
