import ArgumentParser
import Ember
import Foundation

extension Bench {
    /// The RNN chapter's character-level model, as `torch_ref.py lstm | gru | rnn` runs it: one-hot
    /// inputs over a 28-symbol vocabulary, 35 steps, batch 32, a recurrent layer of 256 hidden units,
    /// a linear head, cross-entropy and Adam (lr 1e-3); one step, three warm-up steps, then the timed
    /// steps.
    struct RecurrentOptions: ParsableArguments {
        @OptionGroup var options: Options
        @Option(parsing: .unconditional, help: "Timed training steps.") var steps = 50
        @Option(parsing: .unconditional, help: "Sequences per batch.") var batch = 32

        func run(_ workload: String, _ makeLayer: (Int, Int) -> RNNBase) throws {
            guard (1...1_000_000).contains(steps), (1...65_536).contains(batch) else {
                throw ValidationError("--steps must be from 1 to 1000000 and --batch from 1 to 65536")
            }
            options.threading.apply()
            manualSeed(0)
            let vocab = 28, hidden = 256, seq = 35
            let rnn = makeLayer(vocab, hidden), head = Linear(hidden, vocab)
            let opt = Adam(rnn.parameters() + head.parameters(), lr: 1e-3)
            let tokens = Tensor.randint(0, vocab, [seq + 1, batch], generator: Generator(seed: 0))
            let x = F.oneHot(tokens[0..<seq], numClasses: vocab).to(.float32)
            let y = tokens[1...].reshape(-1)
            func step() {
                let out = rnn(x)
                let loss = F.crossEntropy(head(out).reshape(-1, vocab), y)
                opt.zeroGrad()
                loss.backward()
                opt.step()
            }
            step()
            let first = RunInfo.secondsSinceStart()
            for _ in 0..<3 { step() }
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { step() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            try options.emit([
                "workload": workload, "batch": batch, "seq_len": seq, "steps": steps,
                "train_tokens_per_s": (Double(steps * seq * batch) / seconds * 10).rounded() / 10,
                "startup_to_first_step_s": (first * 1000).rounded() / 1000,
            ])
        }
    }

    /// `ember bench lstm`: the character model on `LSTM`.
    struct LSTMBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lstm", abstract: "Time the RNN chapter's character model on an LSTM.")
        @OptionGroup var recurrent: RecurrentOptions
        func run() throws { try recurrent.run("lstm") { LSTM($0, $1) } }
    }

    /// `ember bench gru`: the character model on `GRU`.
    struct GRUBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "gru", abstract: "Time the RNN chapter's character model on a GRU.")
        @OptionGroup var recurrent: RecurrentOptions
        func run() throws { try recurrent.run("gru") { GRU($0, $1) } }
    }

    /// `ember bench rnn`: the character model on a tanh `RNN`.
    struct RNNBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rnn", abstract: "Time the RNN chapter's character model on a tanh RNN.")
        @OptionGroup var recurrent: RecurrentOptions
        func run() throws { try recurrent.run("rnn") { RNN($0, $1) } }
    }
}
