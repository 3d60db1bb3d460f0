/// The textbook's training figure, two panels side by side: the training loss per epoch on the
/// left, training and test accuracy per epoch on the right (a language model's training
/// perplexity instead, `init(perplexity:)`). Rendered as a PNG (its own encoder
/// and rasterizer) or an SVG, each written atomically. The textbook draws it with matplotlib
/// through its `Animator`.
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

    /// Image size, in pixels (PNG) or user units (SVG).
    static let width = 960, height = 400

    /// One curve: its legend label, values per epoch, colour and whether it is dashed.
    struct Series {
        let label: String, values: [Double], color: String, dashed: Bool
    }

    /// One panel: where its plot area lies, its axes, title and curves, and where its legend goes.
    struct Panel {
        let left: Double, top: Double, right: Double, bottom: Double
        let x: PlotAxis, y: PlotAxis
        let title: String
        let series: [Series]
        let legendAtTop: Bool

        /// The image position of epoch `epoch`'s `value`.
        func point(_ epoch: Int, _ value: Double) -> (x: Double, y: Double) {
            (left + x.fraction(Double(epoch)) * (right - left), bottom - y.fraction(value) * (bottom - top))
        }

        /// The image positions of a curve's values as runs of consecutive drawable ones: a value
        /// that is NaN or infinite (a diverging run's loss) leaves a gap, not a point.
        func runs(_ values: [Double]) -> [[(x: Double, y: Double)]] {
            var runs: [[(x: Double, y: Double)]] = [[]]
            for (i, v) in values.enumerated() {
                if PlotAxis.isDrawable(v) {
                    runs[runs.count - 1].append(point(i + 1, v))
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            return runs.filter { !$0.isEmpty }
        }
    }

    /// The two panels, laid out on a `width` × `height` canvas.
    var panels: [Panel] {
        let epochs = PlotAxis(covering: [1, Double(max(trainLoss.count, 1))], count: 6, integral: true)
        let half = Double(Self.width / 2)
        func panel(_ index: Int, _ title: String, _ series: [Series], legendAtTop: Bool) -> Panel {
            let values = series.flatMap(\.values)
            return Panel(left: Double(index) * half + 70, top: 40, right: Double(index + 1) * half - 20,
                         bottom: Double(Self.height) - 60, x: epochs, y: PlotAxis(covering: values),
                         title: title, series: series, legendAtTop: legendAtTop)
        }
        // The loss and perplexity fall and the accuracy rises, so each legend goes where its curves are not.
        return [
            panel(0, "loss", [Series(label: "train loss", values: trainLoss, color: "#1f77b4", dashed: false)],
                  legendAtTop: true),
            showsPerplexity
                ? panel(1, "perplexity", [Series(label: "train ppl", values: perplexity, color: "#bf00bf", dashed: false)],
                        legendAtTop: true)
                : panel(1, "accuracy", [
                    Series(label: "train acc", values: trainAccuracy, color: "#bf00bf", dashed: true),
                    Series(label: "test acc", values: testAccuracy, color: "#2ca02c", dashed: false),
                ], legendAtTop: false),
        ]
    }

    /// The top-left corner of a legend row, inside the plot area's top or bottom right corner.
    static func legendOrigin(_ panel: Panel, row: Int) -> (x: Double, y: Double) {
        (panel.right - 160, panel.legendAtTop ? panel.top + 10 + Double(row) * 20
            : panel.bottom - 10 - Double(panel.series.count - row) * 20)
    }

    /// Writes the figure as an SVG file at `path`, atomically.
    public func writeSVG(to path: String) throws(TrainingOutputError) {
        try TrainingOutputError.writeAtomically(Array(svg().utf8), to: path)
    }

    /// Writes the figure as a PNG file at `path`, atomically.
    public func writePNG(to path: String) throws(TrainingOutputError) {
        try TrainingOutputError.writeAtomically(png(), to: path)
    }
}
