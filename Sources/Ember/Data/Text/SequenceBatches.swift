/// Minibatches of token sequences for a language model, as the book's `d2lzh_pytorch` cuts a
/// corpus of indices: inputs `X` and targets `Y` of shape `(batchSize, numSteps)`, int64, `Y`
/// being `X` one token later.
public enum SequenceBatches {
    /// Random sampling (`data_iter_random`): the corpus is cut into `(count − 1) / numSteps`
    /// sequences at multiples of `numSteps`, shuffled, and taken `batchSize` at a time; a batch
    /// does not follow on from the one before, so a model starts each from a fresh state.
    public static func random(_ corpus: [Int], batchSize: Int, numSteps: Int,
                              generator: Generator? = nil) -> [(Tensor, Tensor)] {
        check(batchSize > 0 && numSteps > 0, "batch_size and num_steps must be positive, got \(batchSize) and \(numSteps)")
        let examples = max(0, corpus.count - 1) / numSteps
        let order = examples == 0 ? [] : Tensor.randperm(examples, generator: generator).toInts()
        return (0..<examples / batchSize).map { b in
            let starts = order[b * batchSize..<(b + 1) * batchSize].map { $0 * numSteps }
            return (batch(corpus, starts, numSteps, shift: 0), batch(corpus, starts, numSteps, shift: 1))
        }
    }

    /// Sequential partitioning (`data_iter_consecutive`): the corpus is laid out as `batchSize`
    /// rows of `count / batchSize` tokens, and batch `i` is columns `i·numSteps ..< (i+1)·numSteps`,
    /// so row `r` of each batch continues row `r` of the one before: a model carries its hidden
    /// state across batches (detached, so gradients stay within one batch).
    public static func sequential(_ corpus: [Int], batchSize: Int, numSteps: Int) -> [(Tensor, Tensor)] {
        check(batchSize > 0 && numSteps > 0, "batch_size and num_steps must be positive, got \(batchSize) and \(numSteps)")
        let rowLength = corpus.count / batchSize
        let rowStarts = (0..<batchSize).map { $0 * rowLength }
        return (0..<max(0, rowLength - 1) / numSteps).map { i in
            let starts = rowStarts.map { $0 + i * numSteps }
            return (batch(corpus, starts, numSteps, shift: 0), batch(corpus, starts, numSteps, shift: 1))
        }
    }

    /// Rows `corpus[s + shift ..< s + shift + numSteps]` for each start `s`.
    private static func batch(_ corpus: [Int], _ starts: [Int], _ numSteps: Int, shift: Int) -> Tensor {
        Tensor(starts.flatMap { corpus[$0 + shift..<$0 + shift + numSteps] }, shape: [starts.count, numSteps])
    }
}
