extension Tensor {
    /// The diagonal `offset` above (below, when negative) the main one of the planes spanned by
    /// `dim1` and `dim2`, as a view whose last dim runs along it. PyTorch: `torch.diagonal`.
    public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) -> Tensor {
        let d1 = normalizeDim(dim1, "diagonal"), d2 = normalizeDim(dim2, "diagonal")
        check(d1 != d2, "diagonal dimensions cannot be identical \(dim1), \(dim2)")
        let size = Swift.max(0, offset >= 0 ? Swift.min(shape[d1], shape[d2] - offset) : Swift.min(shape[d1] + offset, shape[d2]))
        let start = size == 0 ? 0 : (offset >= 0 ? offset * strides[d2] : -offset * strides[d1])
        var sh: [Int] = [], st: [Int] = []
        for d in 0..<dim where d != d1 && d != d2 {
            sh.append(shape[d])
            st.append(strides[d])
        }
        let inShape = shape
        return makeView(sh + [size], st + [strides[d1] + strides[d2]], storageOffset + start)
            .recording("DiagonalBackward0", [self]) { g, _ in
                [g.scatterIntoZeros(inShape, name: "DiagonalBackwardBackward0") { $0.diagonal(offset: offset, dim1: d1, dim2: d2) }]
            }
    }

    /// Tensors whose planes spanned by `dim1` and `dim2` (of the output) hold the last dim of `self`
    /// on their diagonal `offset`, zeros elsewhere. PyTorch: `torch.diag_embed`.
    public func diagEmbed(offset: Int = 0, dim1: Int = -2, dim2: Int = -1) -> Tensor {
        check(dim >= 1, "diag_embed: expected a tensor with at least one dimension")
        let rank = dim + 1
        let d1 = normalizeDim(dim1, "diag_embed", rank: rank), d2 = normalizeDim(dim2, "diag_embed", rank: rank)
        check(d1 != d2, "diagonal dimensions cannot be identical \(dim1), \(dim2)")
        let n = shape[dim - 1] + Swift.abs(offset)
        var outShape = Array(shape.dropLast())
        for d in [d1, d2].sorted() { outShape.insert(n, at: d) }
        return scatterIntoZeros(outShape, name: "DiagEmbedBackward0") { $0.diagonal(offset: offset, dim1: d1, dim2: d2) }
    }

    /// A 1-D tensor's square matrix with it on diagonal `diagonal`, or a matrix's diagonal
    /// `diagonal` as a new 1-D tensor. PyTorch: `torch.diag`.
    public func diag(_ diagonal: Int = 0) -> Tensor {
        check(dim == 1 || dim == 2, "diag(): Supports 1D or 2D tensors. Got \(dim)D")
        return dim == 1 ? diagEmbed(offset: diagonal, dim1: 0, dim2: 1) : self.diagonal(offset: diagonal).clone()
    }

    /// The sum of a matrix's main diagonal (integers sum as int64). PyTorch: `torch.trace`.
    public func trace() -> Tensor {
        check(dim == 2, "trace: expected a matrix, but got tensor with dim \(dim)")
        return diagonal().sum()
    }

    /// The lower triangle of the last two dims, on and below diagonal `diagonal`; zeros above.
    /// PyTorch: `torch.tril`.
    public func tril(_ diagonal: Int = 0) -> Tensor { triangle(diagonal, lower: true, "tril") }

    /// The upper triangle of the last two dims, on and above diagonal `diagonal`; zeros below.
    /// PyTorch: `torch.triu`.
    public func triu(_ diagonal: Int = 0) -> Tensor { triangle(diagonal, lower: false, "triu") }

    private func triangle(_ k: Int, lower: Bool, _ op: String) -> Tensor {
        check(dim >= 2, "\(op): input tensor must have at least 2 dimensions")
        let rows = shape[dim - 2], cols = shape[dim - 1]
        // Column minus row: the diagonal each element lies on.
        let offset = Tensor.arange(cols).unsqueeze(0) - Tensor.arange(rows).unsqueeze(1)
        let keep = lower ? offset .<= Double(k) : offset .>= Double(k)
        return Tensor.where(keep, self, Tensor.zeros([], dtype: dtype))
    }
}
