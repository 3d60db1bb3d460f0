/// The textbook's training figure, two panels side by side: the training loss per epoch on the
/// left, training and test accuracy per epoch on the right (a language model's training
/// perplexity instead, `init(perplexity:)`), drawn with `Figure` and written atomically as PNG,
/// SVG or PDF. The textbook draws it with matplotlib through its `Animator`.
public struct TrainingPlot: Sendable {
    /// Mean training loss of each epoch, first epoch first.
    public private(set) var trainLoss: [Double] = []
    /// Training accuracy of each epoch.
    public private(set) var trainAccuracy: [Double] = []
    /// Test accuracy of each epoch.
    public private(set) var testAccuracy: [Double] = []
    /// A language model's training perplexity of each epoch.
    public private(set) var perplexity: [Double] = []
    /// Whether the right panel shows perplexity rather than accuracy.
    public let showsPerplexity: Bool

    /// An empty figure: of a classifier's loss and accuracies, or with `perplexity`, of a
    /// language model's loss and perplexity.
    public init(perplexity: Bool = false) { showsPerplexity = perplexity }

    /// Adds one epoch's numbers.
    public mutating func append(trainLoss: Double, trainAccuracy: Double, testAccuracy: Double) {
        self.trainLoss.append(trainLoss)
        self.trainAccuracy.append(trainAccuracy)
        self.testAccuracy.append(testAccuracy)
    }

    /// Adds one epoch's numbers of a language model.
    public mutating func append(trainLoss: Double, perplexity: Double) {
        self.trainLoss.append(trainLoss)
        self.perplexity.append(perplexity)
    }

    /// The figure: 9.6 × 4 inches (960 × 400 pixels in PNG), epochs on the x axes. Values that
    /// are NaN or infinite (a diverging run's loss) leave gaps in the curves.
    public func figure() -> Figure {
        let figure = Figure(size: (9.6, 4))
        let epochs = (1...Swift.max(trainLoss.count, 1)).map(Double.init)
        // At most about eight whole-epoch ticks.
        let every = Swift.max(1, (epochs.count + 7) / 8)
        let ticks = stride(from: 1, through: epochs.count, by: every).map(Double.init)
        func panel(_ index: Int, _ title: String) -> Axes {
            let ax = figure.subplot(1, 2, index)
            ax.title(title)
            ax.xlabel("epoch")
            ax.xticks(ticks)
            ax.grid()
            return ax
        }
        let loss = panel(1, "loss")
        loss.plot(epochs.prefix(trainLoss.count), trainLoss, label: "train loss", marker: "o", markerSize: 4)
        loss.legend()
        if showsPerplexity {
            let ppl = panel(2, "perplexity")
            ppl.plot(epochs.prefix(perplexity.count), perplexity, label: "train ppl", color: "m", marker: "o", markerSize: 4)
            ppl.legend()
        } else {
            let acc = panel(2, "accuracy")
            acc.plot(epochs.prefix(trainAccuracy.count), trainAccuracy, label: "train acc", color: "m", marker: "o",
                     lineStyle: "--", markerSize: 4)
            acc.plot(epochs.prefix(testAccuracy.count), testAccuracy, label: "test acc", color: "g", marker: "o", markerSize: 4)
            acc.legend()
        }
        figure.tightLayout()
        return figure
    }

    /// Writes the figure to `path` as PNG, SVG or PDF, by its extension, atomically.
    public func write(to path: String) throws(TrainingOutputError) {
        do {
            try figure().savefig(path)
        } catch {
            throw TrainingOutputError(path: path, error.reason)
        }
    }
}
