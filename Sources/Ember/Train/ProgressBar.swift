import Foundation

/// A progress bar for the batches of one epoch, with throughput, time left and the running
/// loss and accuracy:
///
///     epoch 3/10 [=========>          ] 120/235  51% 12345 samples/s ETA 0:04 loss 0.4321 acc 0.8412
///
/// On a terminal it redraws one line in place with `\r`; elsewhere (a log file, CI) it prints a
/// plain line at each tenth of the way, so logs stay short. The role tqdm plays for PyTorch.
public final class ProgressBar {
    /// What the bar reports after the loss: a classifier's accuracy, or a language model's
    /// perplexity (`exp` of the mean loss per token).
    public enum Metric: Sendable { case accuracy, perplexity }

    /// What comes before the bar, e.g. `epoch 3/10`.
    public let label: String
    /// The number of batches in the epoch.
    public let total: Int
    private let width: Int
    private let unit: String
    private let metric: Metric
    private let isTTY: Bool
    private let output: (String) -> Void
    private let clock: () -> Double
    private let start: Double
    private var batches = 0
    private var sums = Accumulator(3)  // loss × samples, correct, samples
    private var lastDraw = -Double.infinity
    private var lastTenth = 0
    private var lastLength = 0

    /// A bar for `total` batches of `unit`s (samples, tokens) reporting `metric`. `output`
    /// receives the text to print (standard output by default), `isTTY` says whether it may redraw
    /// in place (default: whether standard output is a terminal), and `clock` reads seconds from
    /// any fixed origin (default: monotonic time).
    public init(total: Int, label: String = "", width: Int = 30, unit: String = "samples", metric: Metric = .accuracy,
                isTTY: Bool = isatty(STDOUT_FILENO) != 0,
                output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                clock: @escaping () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.total = max(total, 0)
        self.label = label
        self.width = width
        self.unit = unit
        self.metric = metric
        self.isTTY = isTTY
        self.output = output
        self.clock = clock
        self.start = clock()
    }

    /// The mean loss per sample so far.
    public var loss: Double { sums[2] > 0 ? sums[0] / sums[2] : 0 }
    /// The fraction of samples classified correctly so far.
    public var accuracy: Double { sums[2] > 0 ? sums[1] / sums[2] : 0 }
    /// `exp` of the mean loss so far: a language model's perplexity when the loss is the mean
    /// cross-entropy per token.
    public var perplexity: Double { Foundation.exp(loss) }
    /// Samples per second since the bar was made.
    public var rate: Double {
        let elapsed = clock() - start
        return elapsed > 0 ? sums[2] / elapsed : 0
    }

    /// Records one finished batch of `samples` samples with mean loss `loss` and `correct` right
    /// predictions (see `accuracy(_:_:)`), and redraws when due.
    public func step(samples: Int, loss: Double, correct: Double) {
        batches += 1
        sums.add(loss * Double(samples), correct, Double(samples))
        let now = clock()
        if isTTY {
            // Redrawing costs a write per batch; ten times a second is smooth enough to read.
            if now - lastDraw >= 0.1 || batches == total {
                lastDraw = now
                draw(line(now: now))
            }
        } else {
            let tenth = total > 0 ? batches * 10 / total : 0
            if tenth > lastTenth && batches < total {
                lastTenth = tenth
                output(line(now: now) + "\n")
            }
        }
    }

    /// Ends the bar's line with the final numbers, the time taken and `summary` (e.g. the test
    /// accuracy), so the next epoch starts on a new line.
    public func finish(summary: String = "") {
        let now = clock()
        var text = "\(prefix)\(bar) \(batches)/\(total) \(rateText) in \(Self.duration(now - start))"
        text += metrics
        if !summary.isEmpty { text += " " + summary }
        if isTTY { draw(text) }
        else { output(text) }
        output("\n")
    }

    private var prefix: String { label.isEmpty ? "" : label + " " }

    private var bar: String {
        let filled = total > 0 ? min(batches, total) * width / total : 0
        let head = filled < width && batches > 0 ? ">" : ""
        return "[" + String(repeating: "=", count: filled) + head
            + String(repeating: " ", count: width - filled - head.count) + "]"
    }

    private func line(now: Double) -> String {
        let percent = total > 0 ? batches * 100 / total : 100
        let elapsed = now - start
        let eta = batches > 0 ? elapsed / Double(batches) * Double(max(total - batches, 0)) : 0
        let counter = String(repeating: " ", count: max(String(total).count - String(batches).count, 0)) + "\(batches)/\(total)"
        return "\(prefix)\(bar) \(counter) \(String(format: "%3d%%", percent)) \(rateText)"
            + " ETA \(Self.duration(eta))" + metrics
    }

    /// Overwrites the current terminal line, blanking what a longer previous line left behind.
    private func draw(_ text: String) {
        let pad = max(lastLength - text.count, 0)
        lastLength = text.count
        output("\r" + text + String(repeating: " ", count: pad))
    }

    private var rateText: String { String(format: "%.0f ", rate) + unit + "/s" }

    /// The running loss and the bar's metric.
    private var metrics: String {
        switch metric {
        case .accuracy: String(format: " loss %.4f acc %.4f", loss, accuracy)
        case .perplexity: String(format: " loss %.4f ppl %.2f", loss, perplexity)
        }
    }

    /// `m:ss`, or `h:mm:ss` from an hour up.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
