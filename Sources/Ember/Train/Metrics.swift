/// The number of correct predictions in a batch, as a Double: `logits` of shape `(N, C)` are
/// reduced to their argmax over classes first; predictions of shape `(N)` are compared as they
/// are. The textbook's `accuracy(y_hat, y)`; divide by `labels.numel` for a fraction.
public func accuracy(_ logits: Tensor, _ labels: Tensor) -> Double {
    noGrad {
        let predicted = logits.dim > 1 && logits.shape[1] > 1 ? logits.argmax(dim: 1) : logits
        return predicted.to(labels.dtype).eq(labels).sum().item()
    }
}

/// Running sums of a fixed number of quantities (e.g. total loss, correct predictions, samples),
/// added to batch by batch. The textbook's `Accumulator`.
public struct Accumulator: Sendable {
    /// The sums, one per quantity.
    public private(set) var data: [Double]

    /// `n` sums, all zero.
    public init(_ n: Int) { data = Array(repeating: 0, count: n) }

    /// Adds one value to each sum, in order; exactly as many values as sums.
    public mutating func add(_ values: Double...) {
        check(values.count == data.count, "Accumulator.add: expected \(data.count) values, got \(values.count)")
        for i in data.indices { data[i] += values[i] }
    }

    /// Sets every sum back to zero.
    public mutating func reset() { data = Array(repeating: 0, count: data.count) }

    /// The `i`th sum.
    public subscript(_ i: Int) -> Double { data[i] }
}

/// Accuracy and mean loss of a model over a data set, as `evaluate` returns them.
public struct Evaluation: Sendable, Equatable {
    /// Fraction of samples whose predicted class is the label, in [0, 1].
    public var accuracy: Double
    /// Mean of the per-sample loss over all samples.
    public var loss: Double
    /// The number of samples seen.
    public var count: Int
}

/// Runs `model` over every `(x, y)` batch without recording gradients and returns the overall
/// accuracy and mean loss. `loss` must reduce with a mean over the batch (PyTorch's default), so
/// each batch's loss is weighted by its size. Put a module in eval mode first (`model.eval()`),
/// as in PyTorch. The textbook's `evaluate_accuracy`, extended with the loss.
public func evaluate<Batches: Sequence>(
    model: (Tensor) -> Tensor, batches: Batches,
    loss: (Tensor, Tensor) -> Tensor = { F.crossEntropy($0, $1) }
) -> Evaluation where Batches.Element == (Tensor, Tensor) {
    noGrad {
        var sums = Accumulator(3)  // correct, loss × samples, samples
        for (x, y) in batches {
            let logits = model(x)
            let n = Double(y.numel)
            sums.add(accuracy(logits, y), loss(logits, y).item() * n, n)
        }
        let n = sums[2]
        return Evaluation(accuracy: n > 0 ? sums[0] / n : 0, loss: n > 0 ? sums[1] / n : 0, count: Int(n))
    }
}
