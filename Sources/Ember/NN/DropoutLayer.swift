/// What the dropout layers share: the probability, the printed `inplace` flag and an optional
/// generator. PyTorch: `torch.nn.modules.dropout._DropoutNd`.
public class DropoutBase: Module {
    public let p: Double
    public let inplace: Bool
    let generator: Generator?

    init(p: Double, inplace: Bool, generator: Generator?) {
        check(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.inplace = inplace
        self.generator = generator
        super.init()
    }

    public override var extraRepr: String { "p=\(PyRepr.float(p)), inplace=\(PyRepr.bool(inplace))" }
}

/// Zeroes elements with probability `p` and scales the rest by `1/(1-p)` in training mode; the
/// identity in evaluation mode. The result is a new tensor even with `inplace` (kept for the
/// printed form). PyTorch: `torch.nn.Dropout`.
public final class Dropout: DropoutBase {
    /// PyTorch: `nn.Dropout(p=0.5, inplace=False)`.
    public override init(p: Double = 0.5, inplace: Bool = false, generator: Generator? = nil) {
        super.init(p: p, inplace: inplace, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        F.dropout(input, p: p, training: training, generator: generator)
    }
}

/// Zeroes whole channels of `(N, C, H, W)` or `(C, H, W)` input with probability `p` in training
/// mode, scaling the rest. PyTorch: `torch.nn.Dropout2d`.
public final class Dropout2d: DropoutBase {
    /// PyTorch: `nn.Dropout2d(p=0.5, inplace=False)`.
    public override init(p: Double = 0.5, inplace: Bool = false, generator: Generator? = nil) {
        super.init(p: p, inplace: inplace, generator: generator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        checkInput(input.dim == 3 || input.dim == 4, "expected 3-D or 4-D input, got \(shapeString(input.shape))")
        return F.dropout2d(input, p: p, training: training, generator: generator)
    }
}

/// A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialized N(0, 1) with the
/// `paddingIdx` row zero (and receiving no gradient). PyTorch: `torch.nn.Embedding`.
public final class Embedding: Module {
    public let numEmbeddings: Int
    public let embeddingDim: Int
    /// The padding row, made non-negative.
    public let paddingIdx: Int?
    /// `(numEmbeddings, embeddingDim)`.
    @Parameter public var weight: Tensor

    /// PyTorch: `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`.
    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil, dtype: DType = .float32,
                generator: Generator? = nil) {
        if let paddingIdx {
            check(paddingIdx >= -numEmbeddings && paddingIdx < numEmbeddings, "Padding_idx must be within num_embeddings")
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        self.weight = Tensor.empty([numEmbeddings, embeddingDim], dtype: dtype)
        super.init()
        resetParameters(generator: generator)
    }

    /// An embedding holding `embeddings` (a copy), frozen unless `freeze` is false.
    /// PyTorch: `nn.Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None)`.
    public static func fromPretrained(_ embeddings: Tensor, freeze: Bool = true, paddingIdx: Int? = nil) -> Embedding {
        check(embeddings.dim == 2, "Embeddings parameter is expected to be 2-dimensional")
        let e = Embedding(embeddings.shape[0], embeddings.shape[1], paddingIdx: paddingIdx, dtype: embeddings.dtype)
        e.weight = embeddings.detach().clone()
        e.weight.requiresGrad = !freeze
        return e
    }

    /// Redraws the weight from N(0, 1) and zeroes the padding row. PyTorch: `reset_parameters()`.
    public func resetParameters(generator: Generator? = nil) {
        Init.normal_(weight, generator: generator)
        if let paddingIdx { noGrad { _ = weight[paddingIdx].fill_(0) } }
    }

    public override func forward(_ input: Tensor) -> Tensor {
        F.embedding(input, weight, paddingIdx: paddingIdx)
    }

    public override var extraRepr: String {
        "\(numEmbeddings), \(embeddingDim)" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "")
    }
}
