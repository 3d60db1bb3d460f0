import CZlib
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Ember

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

    private func bigEndian(_ b: [UInt8], _ at: Int) -> Int { b[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }

    /// A language model's figure puts its perplexity in the right panel, one curve.
    @Test func languageModelFigureShowsPerplexity() {
        var lm = TrainingPlot(perplexity: true)
        for loss in [3.0, 2.0, 1.5] { lm.append(trainLoss: loss, perplexity: Foundation.exp(loss)) }
        let svg = lm.svg()
        #expect(svg.contains(">perplexity<") && svg.contains(">train ppl<") && !svg.contains("test acc"))
        #expect(lm.panels[1].series.map(\.values) == [[3.0, 2.0, 1.5].map { Foundation.exp($0) }])
    }

    @Test func pngIsAValidImage() throws {
        try withTempDir { dir in
            try plot.writePNG(to: dir + "/figure.png")
            let png = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/figure.png")))
            #expect(Array(png.prefix(8)) == PNGEncoder.signature)
            var chunks: [(type: String, data: [UInt8])] = []
            var i = 8
            while i < png.count {
                let n = bigEndian(png, i)
                let typeAndData = Array(png[i + 4..<i + 8 + n])
                #expect(bigEndian(png, i + 8 + n) == Int(CRC32.ieee.checksum(typeAndData)))
                chunks.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
                i += 12 + n
            }
            #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
            let header = chunks[0].data
            let (width, height) = (bigEndian(header, 0), bigEndian(header, 4))
            #expect((width, height) == (TrainingPlot.width, TrainingPlot.height))
            #expect(Array(header[8...]) == [8, 2, 0, 0, 0])
            let expected = height * (1 + 3 * width)
            var size = uLong(expected + 1)
            var raw = [UInt8](repeating: 0, count: Int(size))
            #expect(uncompress(&raw, &size, chunks[1].data, uLong(chunks[1].data.count)) == Z_OK)
            #expect(Int(size) == expected)
            // Every scanline is unfiltered, and the curves put colour on a white page.
            #expect((0..<height).allSatisfy { raw[$0 * (1 + 3 * width)] == 0 })
            #expect(Set(raw).count > 3)
        }
    }

    @Test func svgIsWellFormedWithLabels() throws {
        try withTempDir { dir in
            try plot.writeSVG(to: dir + "/figure.svg")
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/figure.svg"))
            let parser = XMLParser(data: data)
            #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
            let text = String(decoding: data, as: UTF8.self)
            for label in ["train loss", "train acc", "test acc", "epoch", "accuracy"] {
                #expect(text.contains(">\(label)</text>"))
            }
            #expect(text.components(separatedBy: "<polyline").count == 4)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["figure.svg"])
        }
    }

    @Test func emptyAndOneEpochFiguresRender() {
        var plot = TrainingPlot()
        #expect(plot.png().count > 8)
        plot.append(trainLoss: 1, trainAccuracy: 0.5, testAccuracy: 0.5)
        #expect(XMLParser(data: Data(plot.svg().utf8)).parse())
    }

    @Test func axesRoundOutToNiceTicks() {
        let acc = PlotAxis(covering: [0.1, 0.83])
        #expect(acc.lower == 0 && abs(acc.upper - 1) < 1e-12)
        #expect(acc.ticks.map(acc.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let epochs = PlotAxis(covering: [1, 20], count: 6, integral: true)
        #expect(epochs.ticks.map(epochs.label) == ["0", "5", "10", "15", "20"])
    }

    @Test func rasterDrawsClippedThickLines() {
        var image = Raster(width: 10, height: 10, background: Raster.Color(hex: "#ffffff"))
        let red = Raster.Color(hex: "#ff0000")
        image.line(-5, 5, 20, 5, red)
        #expect(image[0, 5] == red && image[9, 5] == red && image[5, 0] != red)
    }

    /// Lowercase letters start at x-height (row 2): the axis reads "epoch", not "ePoch".
    @Test func lowercaseGlyphsSitAtXHeight() {
        for letter in "acenoprsuy" {
            let rows = BitmapFont.glyphs[letter]!
            #expect(rows[0] == "....." && rows[1] == ".....", "\(letter) has ink above x-height")
        }
    }
}
