/// The book's character-level language model (`d2lzh_pytorch.RNNModel`): tokens one-hot encoded
/// over the vocabulary, a recurrent layer (`RNN`, `GRU` or `LSTM`), and a linear layer from its
/// states to the next token's logits. The one-hot product is computed as a lookup of the layer's
/// input weights (the same values); the layer's own hooks do not run. Its keys are the book's: `rnn.weight_ih_l0`, …,
/// `dense.weight`, `dense.bias`.
public final class RNNModel: Module {
    /// A recurrent layer's state between calls: the hidden state and an LSTM's cell state, each
    /// `(layers · directions, batch, hidden)`.
    public struct State {
        public var h: Tensor
        public var c: Tensor?

        public init(h: Tensor, c: Tensor? = nil) {
            self.h = h
            self.c = c
        }

        /// The same values outside the graph, so that the next batch's gradients stop here (the
        /// book's `state.detach_()` between consecutive batches).
        public func detach() -> State { State(h: h.detach(), c: c?.detach()) }
    }

    public let rnn: RNNBase
    public let dense: Linear
    public let vocabSize: Int

    /// A model over `vocabSize` tokens on `rnn`, whose input size must be `vocabSize`.
    public init(_ rnn: RNNBase, vocabSize: Int) {
        check(rnn.inputSize == vocabSize, "RNNModel: the layer's input_size \(rnn.inputSize) is not the vocabulary size \(vocabSize)")
        self.rnn = rnn
        self.vocabSize = vocabSize
        dense = Linear(rnn.outputSize * rnn.directions, vocabSize, dtype: rnn.parameterDType)
        super.init()
    }

    /// Logits `(steps · batch, vocabSize)` for int64 `tokens` `(batch, steps)`, step by step
    /// (row `t · batch + b` predicts the token after `tokens[b, t]`), and the final state. A nil
    /// `state` starts from zeros.
    public func callAsFunction(_ tokens: Tensor, _ state: State? = nil) -> (Tensor, State) {
        check(tokens.dim == 2, "RNNModel: expected tokens of shape (batch, steps), got \(shapeString(tokens.shape))")
        // The layer reads the tokens as one-hot vectors without making them (`run(oneHot:)`).
        let (y, h, c) = rnn.run(oneHot: tokens.t(), state?.h, state?.c)
        let next = State(h: h, c: c)
        return (dense(y.reshape(-1, y.shape[2])), next)
    }

    /// `prefix` followed by `count` more tokens, each predicted from the ones before (the book's
    /// `predict_rnn_pytorch`): the most likely token with `temperature` 0, else a draw from the
    /// softmax of the logits divided by `temperature`.
    public func predict(prefix: [Int], count: Int, temperature: Double = 0, generator: Generator? = nil) -> [Int] {
        check(!prefix.isEmpty, "RNNModel.predict: the prefix is empty")
        check(count >= 0 && temperature >= 0, "RNNModel.predict: count and temperature must not be negative")
        let (steps, overflow) = (prefix.count - 1).addingReportingOverflow(count)
        check(!overflow, "RNNModel.predict: \(count) tokens after a prefix of \(prefix.count) are more than can be counted")
        return noGrad {
            var output = [prefix[0]], state: State?
            for t in 0..<steps {
                let (logits, next) = self(Tensor([output.last!], shape: [1, 1]), state)
                state = next
                if t < prefix.count - 1 {
                    output.append(prefix[t + 1])
                } else if temperature == 0 {
                    output.append(logits.argmax(dim: 1).itemInt())
                } else {
                    let probabilities = F.softmax(logits.to(.float64) / temperature, dim: 1).toDoubles()
                    let u = Tensor.rand([1], dtype: .float64, generator: generator).item()
                    var sum = 0.0
                    output.append(probabilities.firstIndex { sum += $0; return sum > u } ?? probabilities.count - 1)
                }
            }
            return output
        }
    }
}
