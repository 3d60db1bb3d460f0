extension F {
    /// Rows of `weight` picked by the integer `input`, giving shape `input.shape + [D]`. The row at
    /// `paddingIdx` receives no gradient. PyTorch: `torch.nn.functional.embedding`.
    public static func embedding(_ input: Tensor, _ weight: Tensor, paddingIdx: Int? = nil) -> Tensor {
        check(input.dtype == .int64 || input.dtype == .int32,
              "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype.legacyName) instead (while checking arguments for embedding)")
        check(weight.dim == 2, "'weight' must be 2-D")
        let flat = input.reshape([-1])
        let rows = weight.indexSelect(0, flat)
        var picked = rows
        if let paddingIdx {
            let n = weight.shape[0]
            check(paddingIdx >= -n && paddingIdx < n, "Padding_idx must be within num_embeddings")
            let pad = paddingIdx < 0 ? paddingIdx + n : paddingIdx
            // Same values, but the padding row's copies are detached so its gradient stays zero.
            let isPad = Tensor(flat.toInts().map { $0 == pad }, shape: [flat.numel, 1])
            picked = Tensor.where(isPad, rows.detach(), rows)
        }
        return picked.reshape(input.shape + [weight.shape[1]])
    }

    /// One-hot encoding of the int64 class indices `tensor`: an int64 tensor of shape
    /// `tensor.shape + [numClasses]`; `numClasses == -1` uses the largest index plus one.
    /// PyTorch: `torch.nn.functional.one_hot`.
    public static func oneHot(_ tensor: Tensor, numClasses: Int = -1) -> Tensor {
        check(tensor.dtype == .int64, "one_hot is only applicable to index tensor of type LongTensor.")
        let values = tensor.toInts()
        var classes = numClasses
        if classes == -1 {
            check(!values.isEmpty, "Can not infer total number of classes from empty tensor.")
            classes = values.max()! + 1
        }
        check(values.allSatisfy { $0 >= 0 }, "Class values must be non-negative.")
        check(values.allSatisfy { $0 < classes }, "Class values must be smaller than num_classes.")
        return Tensor.zeros(tensor.shape + [classes], dtype: .int64).scatter(-1, tensor.unsqueeze(-1), value: 1)
    }
}
