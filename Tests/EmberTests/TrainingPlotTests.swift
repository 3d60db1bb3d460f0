import Foundation
import Testing
@testable import Ember

/// `ember train`'s figure, drawn with `Figure`: pinned by its SVG's elements and text and its
/// PNG's size and pixels.
@Suite struct TrainingPlotTests {
    /// Five epochs of numbers shaped like the textbook's LeNet run.
    private var plot: TrainingPlot {
        var plot = TrainingPlot()
        for (loss, train, test) in [(2.3, 0.10, 0.30), (0.9, 0.65, 0.70), (0.6, 0.77, 0.75), (0.5, 0.81, 0.79), (0.45, 0.83, 0.80)] {
            plot.append(trainLoss: loss, trainAccuracy: train, testAccuracy: test)
        }
        return plot
    }

    private func withTempDir(_ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-plot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    /// A language model's figure puts its perplexity in the right panel, one curve.
    @Test func languageModelFigureShowsPerplexity() throws {
        var lm = TrainingPlot(perplexity: true)
        for loss in [3.0, 2.0, 1.5] { lm.append(trainLoss: loss, perplexity: Foundation.exp(loss)) }
        let svg = try SVGElements(lm.figure().rendered(.svg))
        #expect(svg.texts.contains("perplexity") && svg.texts.contains("train ppl") && !svg.texts.contains("test acc"))
        #expect(svg.named("polyline").filter { $0.attributes["stroke"] == "#bf00bf" }.count == 2)  // curve and legend
    }

    @Test func pngHasTheFigureSize() throws {
        try withTempDir { dir in
            try plot.write(to: dir + "/figure.png")
            let image = try PNGFile.read(dir + "/figure.png")
            #expect(image.shape == [400, 960, 3])
            #expect(image[0][0].toInts() == [255, 255, 255])
            // The curves put colour on the white page: the loss's blue, the accuracies' magenta and green.
            let pixels = Set(image.reshape(-1, 3).toInts().chunked(3))
            for color in [[31, 119, 180], [191, 0, 191], [0, 128, 0]] { #expect(pixels.contains(color)) }
            try keepForLooking(plot.figure(), "training.png")
        }
    }

    @Test func svgHasItsLabelsAndCurves() throws {
        try withTempDir { dir in
            try plot.write(to: dir + "/figure.svg")
            let svg = try SVGElements(Array(Data(contentsOf: URL(fileURLWithPath: dir + "/figure.svg"))))
            for label in ["train loss", "train acc", "test acc", "epoch", "loss", "accuracy", "1", "5"] {
                #expect(svg.texts.contains(label), "missing \(label)")
            }
            // Three curves and three legend handles; a marker per epoch and per legend entry.
            let curves = svg.named("polyline").filter { ["#1f77b4", "#bf00bf", "#008000"].contains($0.attributes["stroke"]) }
            #expect(curves.count == 6)
            #expect(svg.named("circle").count == 3 * 5 + 3)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["figure.svg"])
        }
    }

    @Test func emptyAndOneEpochFiguresRender() throws {
        var plot = TrainingPlot()
        #expect(try plot.figure().rendered(.png).count > 8)
        plot.append(trainLoss: 1, trainAccuracy: 0.5, testAccuracy: 0.5)
        #expect(try SVGElements(plot.figure().rendered(.svg)).texts.contains("1"))
    }

    /// At most about eight whole-epoch ticks, however many epochs.
    @Test func epochTicksAreWholeNumbers() throws {
        var plot = TrainingPlot()
        for e in 0..<30 { plot.append(trainLoss: 1 / Double(e + 1), trainAccuracy: 0.5, testAccuracy: 0.5) }
        let svg = try SVGElements(plot.figure().rendered(.svg))
        let ticks = ["1", "5", "9", "13", "17", "21", "25", "29"]
        #expect(ticks.allSatisfy(svg.texts.contains) && !svg.texts.contains("2") && !svg.texts.contains("1.5"))
    }
}

private extension Array {
    func chunked(_ n: Int) -> [[Element]] { stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) } }
}
