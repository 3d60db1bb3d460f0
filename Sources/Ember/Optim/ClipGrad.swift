/// Scales the gradients of `params` in place so that their combined `normType`-norm (the norm of
/// the per-tensor norms; `.infinity` for the max norm) is at most `maxNorm`, and returns that
/// norm as measured before clipping. Parameters without a gradient are skipped.
/// PyTorch: `torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=2.0)`.
@discardableResult
public func clipGradNorm_(_ params: [Tensor], maxNorm: Double, normType: Double = 2) -> Tensor {
    noGrad {
        let grads = params.compactMap(\.grad)
        guard !grads.isEmpty else { return Tensor.zeros([], dtype: .float32) }
        let norms = grads.map { $0.norm(p: normType) }
        let total = Tensor.stack(norms).norm(p: normType)
        // PyTorch multiplies by the clamped coefficient even when it is 1, so the grads round the same way.
        let coefficient = (maxNorm / (total + 1e-6)).clamp(max: 1)
        for g in grads { _ = g.mul_(coefficient.to(g.dtype)) }
        return total
    }
}

/// Clamps the gradients of `params` in place to `[-clipValue, clipValue]`.
/// PyTorch: `torch.nn.utils.clip_grad_value_(params, clip_value)`.
public func clipGradValue_(_ params: [Tensor], clipValue: Double) {
    noGrad {
        for p in params { if let g = p.grad { _ = g.clamp_(min: -clipValue, max: clipValue) } }
    }
}
