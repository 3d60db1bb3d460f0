extension F {
    /// Stands for log(0) in the CTC recursion: finite, so that the unreachable states' gradients
    /// stay 0 instead of NaN, and far below any reachable log-probability.
    private static let logZero = -1e30

    /// The Connectionist Temporal Classification loss: the negative log-likelihood of each
    /// target sequence summed over its alignments to the `(T, N, C)` log-probabilities (or
    /// `(T, C)` unbatched), by the forward recursion in log space. `targets` is `(N, S)` padded or
    /// the targets concatenated; `blank` the blank class. `mean` divides each loss by its target
    /// length before averaging; `zeroInfinity` turns impossible alignments' infinite losses to 0.
    /// Differentiable; the gradient is the exact one of this function of `logProbs` (PyTorch's
    /// adds `exp(logProbs)`, which cancels through a `logSoftmax`). PyTorch: `torch.nn.functional.ctc_loss`.
    public static func ctcLoss(_ logProbs: Tensor, _ targets: Tensor, inputLengths: [Int], targetLengths: [Int],
                               blank: Int = 0, reduction: Reduction = .mean, zeroInfinity: Bool = false) -> Tensor {
        check(logProbs.dim == 3 || logProbs.dim == 2, "ctc_loss: expected log_probs to be 2-D or 3-D, got \(logProbs.dim)-D")
        let lp = logProbs.dim == 2 ? logProbs.unsqueeze(1) : logProbs
        let (t, n, c) = (lp.shape[0], lp.shape[1], lp.shape[2])
        check(inputLengths.count == n && targetLengths.count == n,
              "ctc_loss: expected input_lengths and target_lengths to have \(n) entries, got \(inputLengths.count) and \(targetLengths.count)")
        check(blank >= 0 && blank < c, "blank must be in label range")
        let flatTargets = targets.toInts(), padded = targets.dim == 2
        for label in flatTargets { check(label >= 0 && label < c, "ctc_loss: target label \(label) is out of range for \(c) classes") }
        if padded {
            check(targets.shape[0] == n, "Expected tensor to have size at least \(n) at dimension 0, but got size \(targets.shape[0]) for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
            for length in targetLengths {
                check(length >= 0 && length <= targets.shape[1], "Expected tensor to have size at least \(length) at dimension 1, but got size \(targets.shape[1]) for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
            }
        } else {
            check(targetLengths.allSatisfy { $0 >= 0 } && targetLengths.reduce(0, +) <= flatTargets.count,
                  "ctc_loss: the target lengths add up to more than the \(flatTargets.count) concatenated targets")
        }
        var offset = 0
        let losses = (0..<n).map { b -> Tensor in
            let length = targetLengths[b], steps = inputLengths[b]
            check(steps >= 0 && steps <= t, "Expected input_lengths to have value at most \(t), but got value \(steps) (while checking arguments for ctc_loss_cpu)")
            let labels = padded ? Array(flatTargets[(b * targets.shape[1])..<(b * targets.shape[1] + length)])
                                : Array(flatTargets[offset..<(offset + length)])
            offset += length
            return sequenceLoss(lp.select(1, b), labels, steps: steps, blank: blank)
        }
        var perSample = Tensor.stack(losses, dim: 0)
        // An impossible alignment's loss stands at about -logZero: infinite, or 0 with zeroInfinity.
        let impossible = noGrad { perSample .> -logZero / 2 }
        perSample = Tensor.where(impossible, zeroInfinity ? Tensor.zeros([], dtype: perSample.dtype) : Tensor.full([], .infinity, dtype: perSample.dtype), perSample)
        switch reduction {
        case .none: return logProbs.dim == 2 ? perSample.squeeze(0) : perSample
        case .sum: return perSample.sum()
        case .mean:
            let lengths = Tensor(targetLengths.map { Double(Swift.max($0, 1)) }, shape: [n], dtype: perSample.dtype)
            return (perSample / lengths).mean()
        }
    }

    /// `-log p(labels | lp)` for one sequence's `(T, C)` log-probabilities over its first `steps` steps.
    private static func sequenceLoss(_ lp: Tensor, _ labels: [Int], steps: Int, blank: Int) -> Tensor {
        // The labels with blanks between and around them, and which states may skip a blank.
        let extended = labels.flatMap { [blank, $0] } + [blank]
        let states = extended.count
        let canSkip = (0..<states).map { s in s >= 2 && extended[s] != blank && extended[s] != extended[s - 2] }
        let emissions = lp.indexSelect(1, Tensor(extended, shape: [states], dtype: .int64))  // (T, S')
        let floor = Tensor.full([], logZero, dtype: lp.dtype)
        guard steps > 0 else { return labels.isEmpty ? Tensor.zeros([], dtype: lp.dtype) : -floor }
        let start = Tensor((0..<states).map { $0 < 2 }, shape: [states], dtype: .bool)
        var alpha = Tensor.where(start, emissions.select(0, 0), floor)
        let skipMask = Tensor(canSkip, shape: [states], dtype: .bool)
        func shifted(_ a: Tensor, by k: Int) -> Tensor {
            k >= states ? floor.expand([states]) : Tensor.cat([floor.expand([k]), a.narrow(0, 0, states - k)], dim: 0)
        }
        for step in 1..<steps {
            let stay = alpha, advance = shifted(alpha, by: 1)
            let skip = Tensor.where(skipMask, shifted(alpha, by: 2), floor)
            alpha = Tensor.stack([stay, advance, skip], dim: 0).logsumexp(dim: 0) + emissions.select(0, step)
        }
        let last = labels.isEmpty ? alpha.narrow(0, states - 1, 1) : alpha.narrow(0, states - 2, 2)
        return -last.logsumexp(dim: 0)
    }
}
