import Foundation

extension F {
    /// `softmax(Q Kᵀ · scale + bias) V` over the last two dims, the bias from `attnMask` (a bool
    /// mask keeps where true, a float mask is added) and from `isCausal` (position `i` sees keys
    /// `≤ i`); `dropoutP` drops attention weights in training. `scale` defaults to `1/√E`.
    /// PyTorch: `torch.nn.functional.scaled_dot_product_attention`.
    public static func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil,
                                                 dropoutP: Double = 0, isCausal: Bool = false, scale: Double? = nil) -> Tensor {
        check(query.dim >= 2 && key.dim >= 2 && value.dim >= 2,
              "scaled_dot_product_attention: expected query, key and value to have at least 2 dimensions")
        check(query.shape.last == key.shape.last, "scaled_dot_product_attention: query and key must have the same embedding size")
        check(!(isCausal && attnMask != nil), "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
        let l = query.shape[query.dim - 2], s = key.shape[key.dim - 2]
        let factor = scale ?? 1 / Double(query.shape[query.dim - 1]).squareRoot()
        var scores = query.matmul(key.mT) * factor
        if isCausal {
            let visible = Tensor.ones([l, s], dtype: .bool).tril()
            scores = scores.maskedFill(visible.logicalNot(), -.infinity)
        }
        if let attnMask {
            scores = attnMask.dtype == .bool ? scores.maskedFill(attnMask.logicalNot(), -.infinity) : scores + attnMask
        }
        var weights = scores.softmax(dim: -1)
        if dropoutP > 0 { weights = dropout(weights, p: dropoutP, training: true) }
        return weights.matmul(value)
    }
}
