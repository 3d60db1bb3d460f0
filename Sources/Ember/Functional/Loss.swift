extension F {
    /// How `klDiv` reduces its per-element values. PyTorch: `kl_div`'s `reduction` argument.
    public enum KLDivReduction: String, Sendable {
        /// Per-element losses, unreduced.
        case none
        /// The mean over all elements (PyTorch's default, which it warns does not match the math).
        case mean
        /// The sum.
        case sum
        /// The sum divided by the batch size (the first dim): the KL divergence per sample.
        case batchMean = "batchmean"
    }

    /// Cross entropy between `input` logits and `target`: class indices (int64, shape `(N)` or
    /// `(N, d1, ...)` for input `(N, C)` or `(N, C, d1, ...)`, or `()` for input `(C)`), or class
    /// probabilities (floating point, shaped like `input`). Classes may be weighted, index targets
    /// equal to `ignoreIndex` contribute nothing, and `labelSmoothing` mixes the target with the
    /// uniform distribution. PyTorch: `torch.nn.functional.cross_entropy`.
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                    ignoreIndex: Int = -100, reduction: Reduction = .mean,
                                    labelSmoothing: Double = 0) -> Tensor {
        check(labelSmoothing >= 0 && labelSmoothing <= 1,
              "label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
        check(input.dim >= 1, "cross_entropy: input tensor should be 1D or more")
        let classDim = input.dim == 1 ? 0 : 1
        let c = input.shape[classDim]
        let logProbs = input.logSoftmax(dim: classDim)
        var perClass = [Int](repeating: 1, count: input.dim)
        perClass[classDim] = c
        if input.shape == target.shape {
            check(target.dtype.isFloatingPoint,
                  "Expected floating point type for target with class probabilities, got \(shortTypeName(target.dtype))")
            let t = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / Double(c) : target
            var terms = logProbs * t
            if let weight { terms = terms * weight.reshape(perClass) }
            switch reduction {
            case .none: return -terms.sum(dim: classDim)
            case .sum: return -terms.sum()
            case .mean: return -terms.sum() / Double(input.numel / Swift.max(c, 1))
            }
        }
        let rows = ClassRows(logProbs, target, weight: weight, ignoreIndex: ignoreIndex)
        let nll = rows.nll(reduction)
        if labelSmoothing == 0 { return nll }
        // PyTorch's smoothing term: the (weighted) sum of -log p over classes, zero where ignored,
        // with the same mean denominator as the weighted nll.
        let classTerms = weight.map { rows.logProbs * $0.reshape([1, c]) } ?? rows.logProbs
        let smooth = -classTerms.sum(dim: 1) * rows.valid
        let reduced: Tensor
        switch reduction {
        case .none: reduced = smooth.reshape(rows.outShape)
        case .sum: reduced = smooth.sum()
        case .mean: reduced = smooth.sum() / rows.weights.sum()
        }
        return (1 - labelSmoothing) * nll + reduced * (labelSmoothing / Double(c))
    }

    /// Negative log-likelihood of class-index `target` under `input` log-probabilities, shaped as
    /// in `crossEntropy`. The weighted mean divides by the summed weights of the targets not equal
    /// to `ignoreIndex`. PyTorch: `torch.nn.functional.nll_loss`.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                               ignoreIndex: Int = -100, reduction: Reduction = .mean) -> Tensor {
        ClassRows(input, target, weight: weight, ignoreIndex: ignoreIndex).nll(reduction)
    }

    /// Mean squared error. PyTorch: `torch.nn.functional.mse_loss`.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        let d = input - target
        return reduce(d * d, reduction)
    }

    /// Mean absolute error. PyTorch: `torch.nn.functional.l1_loss`.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        reduce((input - target).abs(), reduction)
    }

    /// `0.5 * d²` where `|d| < delta`, `delta * (|d| - 0.5 * delta)` elsewhere.
    /// PyTorch: `torch.nn.functional.huber_loss`.
    public static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                                 delta: Double = 1) -> Tensor {
        let d = input - target, ad = d.abs()
        return reduce(Tensor.where(ad .< delta, 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction)
    }

    /// `0.5 * d² / beta` where `|d| < beta`, `|d| - 0.5 * beta` elsewhere (the L1 loss for
    /// `beta == 0`). PyTorch: `torch.nn.functional.smooth_l1_loss`.
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                                    beta: Double = 1) -> Tensor {
        check(beta >= 0, "smooth_l1_loss does not support negative values for beta.")
        if beta == 0 { return l1Loss(input, target, reduction: reduction) }
        let d = input - target, ad = d.abs()
        return reduce(Tensor.where(ad .< beta, 0.5 * d * d / beta, ad - 0.5 * beta), reduction)
    }

    /// Binary cross entropy of probabilities `input` against `target`, each log clamped at -100
    /// as in PyTorch so that 0 and 1 give finite losses. PyTorch: `torch.nn.functional.binary_cross_entropy`.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) -> Tensor {
        check(input.shape == target.shape,
              "Using a target size (torch.Size(\(shapeString(target.shape)))) that is different to the input size (torch.Size(\(shapeString(input.shape)))) is deprecated. Please ensure they have the same size.")
        check(input.numel == 0 || noGrad { input.min().item() >= 0 && input.max().item() <= 1 },
              "all elements of input should be between 0 and 1")
        let loss = noGrad {
            -(target * input.log().clamp(min: -100) + (1.0 - target) * (1.0 - input).log().clamp(min: -100))
        }.recording("BinaryCrossEntropyBackward0", [input, target], saved: [input, target]) { g, _ in
            // PyTorch's rules: the input's denominator is kept off zero, the target's logs clamped.
            [input.requiresGrad ? g * (input - target) / ((1.0 - input) * input).clamp(min: 1e-12) : nil,
             target.requiresGrad ? g * ((1.0 - input).log().clamp(min: -100) - input.log().clamp(min: -100)) : nil]
        }
        return reduce(weight.map { loss * $0 } ?? loss, reduction)
    }

    /// Binary cross entropy of `sigmoid(input)` against `target`, computed from `logsigmoid` so
    /// that large logits stay finite; `posWeight` weights the positive term per class.
    /// PyTorch: `torch.nn.functional.binary_cross_entropy_with_logits`.
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    reduction: Reduction = .mean, posWeight: Tensor? = nil) -> Tensor {
        check(input.shape == target.shape,
              "Target size (torch.Size(\(shapeString(target.shape)))) must be the same as input size (torch.Size(\(shapeString(input.shape))))")
        var logSigmoid = input.logSigmoid()
        if let posWeight { logSigmoid = logSigmoid * ((posWeight - 1.0) * target + 1.0) }
        let loss = (1.0 - target) * input - logSigmoid
        return reduce(weight.map { loss * $0 } ?? loss, reduction)
    }

    /// Kullback-Leibler divergence of `target` from `input`, both as probabilities in log space when
    /// `logTarget`, else `input` only: `target * (log(target) - input)`, 0 where `target` is 0.
    /// PyTorch: `torch.nn.functional.kl_div`.
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: KLDivReduction = .mean,
                             logTarget: Bool = false) -> Tensor {
        let pointwise: Tensor
        if logTarget {
            pointwise = target.exp() * (target - input)
        } else {
            // xlogy: 0 * log 0 is 0, without a NaN gradient from the unused branch.
            let safe = Tensor.where(target .== 0.0, 1.0, target)
            pointwise = target * safe.log() - target * input
        }
        switch reduction {
        case .none: return pointwise
        case .sum: return pointwise.sum()
        case .mean: return pointwise.mean()
        case .batchMean: return input.dim == 0 ? pointwise.sum() : pointwise.sum() / Double(input.shape[0])
        }
    }

    /// Applies a loss reduction.
    static func reduce(_ loss: Tensor, _ reduction: Reduction) -> Tensor {
        switch reduction {
        case .none: loss
        case .mean: loss.mean()
        case .sum: loss.sum()
        }
    }

    /// `Float` for float32, as PyTorch names scalar types in dtype messages.
    private static func shortTypeName(_ dtype: DType) -> String {
        String(dtype.legacyName.dropFirst("torch.".count).dropLast("Tensor".count))
    }

    /// Class-index targets checked against `(…, C, …)` log-probabilities and flattened to rows:
    /// `logProbs` is `[M, C]` with the class dim last, one row per target element.
    private struct ClassRows {
        let logProbs: Tensor
        /// `[M]` int64 targets, ignored ones replaced by 0 so they can index.
        let index: Tensor
        /// `[M]` 1 where the target is not ignored, else 0, in the input's dtype.
        let valid: Tensor
        /// `[M]` the class weight of each target, 0 where ignored.
        let weights: Tensor
        /// The target's shape: the shape of the unreduced loss.
        let outShape: [Int]

        init(_ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int) {
            check(input.dim >= 1, "input tensor should be 1D or more")
            check(target.dtype == .int64,
                  "expected scalar type Long but found \(F.shortTypeName(target.dtype))")
            let classDim = input.dim == 1 ? 0 : 1
            let c = input.shape[classDim]
            if input.dim <= 2 {
                check(target.dim <= 1, "0D or 1D target tensor expected, multi-target not supported")
                let batch = input.dim == 1 ? 1 : input.shape[0]
                let targetBatch = target.dim == 0 ? 1 : target.shape[0]
                check(input.dim == 1 && target.dim == 0 || batch == targetBatch,
                      "Expected input batch_size (\(batch)) to match target batch_size (\(targetBatch)).")
                logProbs = input.dim == 2 ? input : input.reshape([-1, c])
            } else {
                let targetBatch = target.dim == 0 ? 1 : target.shape[0]
                check(input.shape[0] == targetBatch,
                      "Expected input batch_size (\(input.shape[0])) to match target batch_size (\(targetBatch)).")
                let expected = [input.shape[0]] + Array(input.shape[2...])
                check(target.shape == expected,
                      "Expected target size \(shapeString(expected)), got \(shapeString(target.shape))")
                logProbs = input.movedim(1, -1).reshape([-1, c])
            }
            if let weight {
                check(weight.dim == 1 && weight.numel == c,
                      "weight tensor should be defined either for all \(c) classes or no classes but got weight tensor of shape: \(shapeString(weight.shape))")
            }
            let targets = target.toInts()
            for t in targets where t != ignoreIndex {
                check(t >= 0 && t < c, "Target \(t) is out of bounds.")
            }
            let index = Tensor(targets.map { $0 == ignoreIndex ? 0 : $0 }, shape: [targets.count])
            let valid = Tensor(targets.map { $0 == ignoreIndex ? 0.0 : 1.0 }, shape: [targets.count], dtype: input.dtype)
            self.index = index
            self.valid = valid
            weights = weight.map { valid * $0.indexSelect(0, index) } ?? valid
            outShape = target.shape
        }

        /// The negative log-likelihood of the targets, reduced: one op, `NllLossBackward0` as in
        /// PyTorch (seven ops' nodes and small tensors cost more than the arithmetic on a 256-row
        /// batch), with sums taken in float64. Class weights that require grad take the composed
        /// form, differentiable in them too (PyTorch has no derivative for `weight`).
        func nll(_ reduction: Reduction) -> Tensor {
            if weights.requiresGrad {
                let losses = -logProbs.gather(1, index.unsqueeze(1)).squeeze(1) * weights
                switch reduction {
                case .none: return losses.reshape(outShape)
                case .sum: return losses.sum()
                case .mean: return losses.sum() / weights.sum()
                }
            }
            let picked = noGrad { logProbs.gather(1, index.unsqueeze(1)) }.toDoubles(), w = weights.toDoubles()
            let losses = zip(picked, w).map { -$0 * $1 }
            // The gradient of the reduced loss with respect to each row's picked log-probability.
            let total = w.reduce(0, +), scale = reduction == .mean ? 1 / total : 1
            let out: Tensor
            switch reduction {
            case .none: out = Tensor(losses, shape: outShape, dtype: logProbs.dtype)
            case .sum: out = Tensor([losses.reduce(0, +)], shape: [], dtype: logProbs.dtype)
            case .mean: out = Tensor([losses.reduce(0, +) / total], shape: [], dtype: logProbs.dtype)
            }
            let (targets, rows, classes) = (index, logProbs.shape[0], logProbs.shape[1])
            return out.recording("NllLossBackward0", [logProbs]) { g, _ in
                var coefficients = [Double](repeating: 0, count: rows * classes)
                for (i, t) in targets.toInts().enumerated() where w[i] != 0 { coefficients[i * classes + t] = -w[i] * scale }
                let c = Tensor(coefficients, shape: [rows, classes], dtype: g.dtype)
                return [c * (reduction == .none ? g.reshape([rows, 1]) : g)]
            }
        }
    }
}
