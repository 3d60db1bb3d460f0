import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Ember

/// An SVG document's elements in document order: their names, attributes and text.
struct SVGElements {
    struct Element {
        let name: String
        let attributes: [String: String]
        let text: String
    }
    let all: [Element]

    init(_ bytes: [UInt8]) throws {
        let document = try XMLDocument(data: Data(bytes))
        var found: [Element] = []
        func walk(_ node: XMLElement) {
            var attributes: [String: String] = [:]
            for a in node.attributes ?? [] { attributes[a.name ?? ""] = a.stringValue ?? "" }
            found.append(Element(name: node.name ?? "", attributes: attributes, text: node.stringValue ?? ""))
            for child in node.children ?? [] { if let e = child as? XMLElement { walk(e) } }
        }
        if let root = document.rootElement() { walk(root) }
        all = found
    }

    func named(_ name: String) -> [Element] { all.filter { $0.name == name } }
    /// The text of every `<text>` element.
    var texts: [String] { named("text").map(\.text) }
}

/// Writes a figure to `EMBER_PLOT_OUT` when that is set, to look at (see PlotTests).
func keepForLooking(_ figure: Figure, _ name: String) throws {
    guard let dir = ProcessInfo.processInfo.environment["EMBER_PLOT_OUT"] else { return }
    try figure.savefig(dir + "/" + name)
}

/// The plotting API (Figure, Axes) checked by structure: the SVG's elements and text, the PNG's
/// size and a few pixels. `EMBER_PLOT_OUT=DIR swift test --filter Plot` also writes the figures
/// to DIR as PNG to be looked at.
@Suite struct PlotTests {
    private func pixel(_ image: Tensor, x: Int, y: Int) -> [Int] { image[y][x].toInts() }

    @Test func lineFigureHasItsTextAndCurves() throws {
        let fig = Figure(size: (6, 4))
        let ax = fig.subplot(1, 1, 1)
        ax.plot([1, 2, 3, 4], [1.0, 0.5, 0.25, 0.125], label: "loss", marker: "o")
        ax.plot([1, 2, 3, 4], [0.2, 0.4, 0.6, 0.8], label: "accuracy", lineStyle: "--")
        ax.title("training")
        ax.xlabel("epoch")
        ax.ylabel("value")
        ax.grid()
        ax.legend()
        try keepForLooking(fig, "lines.png")
        let svg = try SVGElements(fig.rendered(.svg))
        for text in ["training", "epoch", "value", "loss", "accuracy", "0.2", "1.0", "2.0", "4.0"] {
            #expect(svg.texts.contains(text), "missing text \(text)")
        }
        // Two curves, the legend's two handles, the grid and the ticks.
        let polylines = svg.named("polyline")
        #expect(polylines.filter { $0.attributes["stroke"] == "#1f77b4" && $0.attributes["stroke-width"] == "1.50" }.count == 2)
        #expect(polylines.filter { $0.attributes["stroke-dasharray"] != nil }.count == 2)
        #expect(svg.named("circle").count == 5)  // four points and the legend's marker
        #expect(polylines.contains { $0.attributes["stroke"] == "#b0b0b0" })
        // The y label is turned a quarter, the title sits above the plot area.
        #expect(svg.named("text").first { $0.text == "value" }?.attributes["transform"]?.contains("rotate(-90)") == true)
    }

    @Test func formatStringsPickColourMarkerAndLine() throws {
        let fig = Figure()
        let ax = fig.subplot(1, 1, 1)
        ax.plot([0, 1], [0, 1], "g--", lineWidth: 2)
        ax.plot([0, 1], [1, 0], "ro")
        ax.plot([0, 1], [0.5, 0.5], "k-s")
        let svg = try SVGElements(fig.rendered(.svg))
        let lines = svg.named("polyline").filter { ["#008000", "#ff0000", "#000000"].contains($0.attributes["stroke"]) && $0.attributes["points"]!.split(separator: " ").count == 2 && $0.attributes["stroke-width"] != "0.80" }
        #expect(lines.map { $0.attributes["stroke"]! } == ["#008000", "#000000"])
        #expect(lines[0].attributes["stroke-dasharray"] == "7.40 3.20")
        #expect(svg.named("circle").filter { $0.attributes["fill"] == "#ff0000" }.count == 2)
        #expect(svg.named("path").count == 2)
    }

    /// Data no axis can be fitted to is drawn as an empty or widened axis, never a trap or a hang.
    @Test func degenerateDataStillRenders() throws {
        let cases: [(Axes) -> Void] = [
            { $0.plot([1.0], [2.0], marker: "o") },
            { $0.plot([1.0, 2], [Double.nan, .nan]) },
            { $0.plot([Double](), [Double]()) },
            { $0.plot([1.0, 2], [-1, 0]); $0.yscale(.log) },
            { $0.plot([1.0, 2], [1, 10]); $0.yscale(.log); $0.ylim(0, 100) },
            { $0.plot([1.0, 2], [3, 3]); $0.xlim(5, 5) },
            { $0.plot([0.0, 1], [1, 1 + 1e-14]) },
            { $0.plot([0.0, 1], [-1e300, 1e300]) },
            { $0.plot([1.0, 2], [1e-300, 1e300]); $0.yscale(.log) },
            { $0.plot([0.0, 1], [0, 1]); $0.xticks([-5, 0.5, .nan, 7]) },
            { $0.imshow(Tensor([[Double.nan, 1], [-Double.infinity, .infinity]])) },
        ]
        for (i, draw) in cases.enumerated() {
            let fig = Figure(size: (3, 2))
            draw(fig.subplot(1, 1, 1))
            fig.tightLayout()
            #expect(try SVGElements(fig.rendered(.svg)).named("rect").count >= 2, "case \(i)")
            #expect(try fig.rendered(.png).count > 100, "case \(i)")
        }
        let many = Figure(size: (1, 1))
        for i in 1...30 { many.subplot(5, 6, i).plot([0.0, 1], [0, 1]) }
        many.tightLayout()
        #expect(try many.rendered(.png).count > 100)
    }

    /// Tick labels tell neighbouring ticks apart at any magnitude; a lone tick at 0 reads "0".
    @Test func tickLabelsAreDistinct() {
        for (low, high) in [(100_000.0, 101_000.0), (2e6, 2.0025e6), (1, 1 + 1e-9), (-3e-5, 4e-5), (0, 1e9)] {
            let labels = AxisView(values: [low, high], limits: nil, scale: .linear).ticks(maxCount: 9).map(\.base)
            #expect(labels.count >= 2 && Set(labels).count == labels.count, "\(low)...\(high): \(labels)")
        }
        let lone = AxisView(values: [-1, 1], limits: nil, scale: .linear).ticks(maxCount: 9, fixed: [0])
        #expect(lone.map(\.base) == ["0"])
    }

    /// Lines to points far outside the axes are cut before Cairo's fixed point could wrap them:
    /// the visible part keeps its direction.
    @Test func farPointsAreClipped() {
        let frame = PlotRect(x: 0, y: 0, width: 100, height: 100)
        let pieces = Axes.pieces(of: [PlotPoint(x: 50, y: 50), PlotPoint(x: 2e12, y: 1e12), PlotPoint(x: 60, y: 60)],
                                 inside: frame)
        #expect(pieces.count == 2)
        #expect(pieces[0][0] == PlotPoint(x: 50, y: 50) && pieces[0][1].x == 100 && abs(pieces[0][1].y - 75) < 1e-6)
        #expect(pieces[1].first!.x == 100 && pieces[1].last == PlotPoint(x: 60, y: 60))
        #expect(Axes.pieces(of: [PlotPoint(x: -5, y: -5), PlotPoint(x: -1, y: 500)], inside: frame).isEmpty)
        let fig = Figure(size: (3, 2))
        let ax = fig.subplot(1, 1, 1)
        ax.plot([0.0, 1, 2], [0, 1e290, 1])
        ax.ylim(0, 2)
        #expect(throws: Never.self) { try fig.rendered(.png) }
    }

    @Test func pngHasTheFigureSizeAndDrawsOnWhite() throws {
        let fig = Figure(size: (4, 3), dpi: 50)
        let ax = fig.subplot(1, 1, 1)
        ax.plot([0, 1], [0, 1], color: "r", lineWidth: 10)
        ax.xlim(0, 1)
        ax.ylim(0, 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-plot-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fig.savefig(path)
        let image = try PNGFile.read(path)
        #expect(image.shape == [150, 200, 3])
        #expect(pixel(image, x: 1, y: 1) == [255, 255, 255])
        // The diagonal crosses the middle of the plot area, which matplotlib's default layout
        // puts between 12.5% and 90% across and 12% and 89% down.
        let middle = (x: Int(200 * (0.125 + 0.9) / 2), y: Int(150 * (0.12 + 0.89) / 2))
        #expect(pixel(image, x: middle.x, y: middle.y) == [255, 0, 0])
        #expect(pixel(image, x: middle.x, y: 25) == [255, 255, 255])
    }

    @Test func pdfAndUnknownFormats() throws {
        let fig = Figure()
        fig.subplot(1, 1, 1).plot([1, 2, 3])
        let pdf = try fig.rendered(.pdf)
        #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
        #expect(throws: PlotError.self) { try fig.savefig("/tmp/figure.jpeg") }
        #expect(throws: PlotError.self) { try fig.savefig("/nonexistent-dir/figure.png") }
    }

    @Test func nonFiniteValuesLeaveGaps() throws {
        let fig = Figure()
        fig.subplot(1, 1, 1).plot([1, 2, 3, 4, 5], [1, 2, .nan, 4, .infinity])
        let svg = try SVGElements(fig.rendered(.svg))
        let curves = svg.named("polyline").filter { $0.attributes["stroke"] == "#1f77b4" }
        // The lone point 4 between gaps draws nothing, as in matplotlib.
        #expect(curves.map { $0.attributes["points"]!.split(separator: " ").count } == [2])
    }

    @Test func ticksFollowMatplotlib() {
        // plt.plot([0, 1]): the view has 5% margins, ticks every 0.2 on a tall axis.
        let y = AxisView(values: [0, 1], limits: nil, scale: .linear)
        #expect(abs(y.lower + 0.05) < 1e-12 && abs(y.upper - 1.05) < 1e-12)
        #expect(y.ticks(maxCount: 9).map(\.base) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(AxisView(values: [], limits: (-1, 1), scale: .linear).ticks(maxCount: 4).map(\.base)
            == ["\u{2212}1.0", "\u{2212}0.5", "0.0", "0.5", "1.0"])
        #expect(AxisView(values: [], limits: (0, 10), scale: .linear).ticks(maxCount: 4).map(\.base)
            == ["0.0", "2.5", "5.0", "7.5", "10.0"])
        let log = AxisView(values: [1e-3, 1], limits: nil, scale: .log)
        let decades = log.ticks(maxCount: 9)
        #expect(decades.map(\.value) == [1e-3, 1e-2, 1e-1, 1])
        #expect(decades.map { $0.base + "^" + ($0.exponent ?? "") } == ["10^\u{2212}3", "10^\u{2212}2", "10^\u{2212}1", "10^0"])
    }

    @Test func logScaleDropsNonPositiveValues() throws {
        let fig = Figure()
        let ax = fig.subplot(1, 1, 1)
        ax.plot([1, 2, 3, 4], [100, 10, 0, 0.1])
        ax.yscale(.log)
        try keepForLooking(fig, "log.png")
        let svg = try SVGElements(fig.rendered(.svg))
        // 100 → 10 is drawn; 0.1 stands alone after the gap, and a lone point has no line.
        #expect(svg.named("polyline").filter { $0.attributes["stroke"] == "#1f77b4" }.count == 1)
        #expect(svg.texts.contains("10") && svg.texts.contains("\u{2212}1") && svg.texts.contains("2"))
    }

    @Test func scatterUsesAlphaAndMarkers() throws {
        let fig = Figure()
        let ax = fig.subplot(1, 1, 1)
        ax.scatter(Tensor([0.0, 1, 2]), Tensor([1.0, 0, 1]), color: "k", alpha: 0.5, label: "points")
        ax.scatter([0.5], [0.5], marker: "s")
        ax.legend(loc: .upperLeft)
        let svg = try SVGElements(fig.rendered(.svg))
        let dots = svg.named("circle")
        #expect(dots.count == 4 && dots.allSatisfy { $0.attributes["fill-opacity"] == "0.50" })
        #expect(svg.named("path").count == 1 && svg.texts.contains("points"))
        #expect(svg.named("polyline").allSatisfy { $0.attributes["stroke"] != "#000000" || $0.attributes["points"]!.count < 40 })
    }

    /// A 2 × 2 image: gray values through "gray", the colour image as it is, square pixels.
    @Test func imshowDrawsPixels() throws {
        let fig = Figure(size: (4, 2), dpi: 100)
        let gray = fig.subplot(1, 2, 1), color = fig.subplot(1, 2, 2)
        gray.imshow(Tensor([[0.0, 1], [0.5, 0.25]]), cmap: "gray")
        color.imshow(Tensor([[[1.0, 0, 0], [0, 1, 0]], [[0, 0, 1], [1, 1, 1]]]))
        try keepForLooking(fig, "imshow.png")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-plot-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fig.savefig(path)
        let image = try PNGFile.read(path)
        // Default layout: each cell is 0.775 × 400 / 2.2 points wide and 0.77 × 200 high; the
        // square image takes the cell's height and is centred across it.
        let cellW = 0.775 * 400 / 2.2, h = 0.77 * 200, top = 0.12 * 200
        for (cell, expected) in [(0, [[0, 255], [128, 64]]), (1, [[255, 0], [0, 255]])] {
            let left = 0.125 * 400 + Double(cell) * 1.2 * cellW + (cellW - h) / 2
            for (row, values) in expected.enumerated() {
                for (col, v) in values.enumerated() {
                    let p = pixel(image, x: Int(left + (Double(col) + 0.5) * h / 2), y: Int(top + (Double(row) + 0.5) * h / 2))
                    if cell == 0 { #expect(p == [v, v, v]) }
                    else { #expect(p == (row == 0 ? (col == 0 ? [255, 0, 0] : [0, 255, 0]) : (col == 0 ? [0, 0, 255] : [255, 255, 255]))) }
                }
            }
        }
        let svg = try SVGElements(fig.rendered(.svg))
        #expect(svg.named("image").count == 2)
        #expect(svg.named("image").allSatisfy { $0.attributes["href"]!.hasPrefix("data:image/png;base64,") })
    }

    @Test func viridisEndsAreMatplotlibs() {
        let image = Colormap.image(Tensor([[0.0, 1]]), cmap: "viridis", vmin: nil, vmax: nil)
        #expect(Array(image.rgba[0..<4]) == [0x44, 0x01, 0x54, 255])
        #expect(Array(image.rgba[4..<8]) == [0xfd, 0xe7, 0x25, 255])
    }

    @Test func showImagesLaysOutTitledImages() throws {
        let images = Tensor.rand([6, 1, 8, 8])
        let fig = showImages(images, titles: ["a", "b", "c", "d", "e", "f\ng"], rows: 2)
        #expect(fig.size.width == 4.5 && fig.size.height == 3)
        try keepForLooking(fig, "show-images.png")
        let svg = try SVGElements(fig.rendered(.svg))
        #expect(svg.named("image").count == 6)
        // A two-line title stacks its lines upwards.
        #expect(svg.texts == ["a", "b", "c", "d", "e", "g", "f"])
        #expect(!svg.all.contains { $0.name == "polyline" })
    }

    /// Tight layout keeps every text inside the figure and the panels apart.
    @Test func tightLayoutKeepsTextInside() throws {
        let fig = Figure(size: (6, 3))
        for i in 1...2 {
            let ax = fig.subplot(1, 2, i)
            ax.plot([0, 1000000], [0, 123456.789])
            ax.title("panel \(i)")
            ax.xlabel("x label")
            ax.ylabel("a long y label")
        }
        fig.tightLayout()
        try keepForLooking(fig, "tight.png")
        let svg = try SVGElements(fig.rendered(.svg))
        let frames = svg.named("rect").filter { $0.attributes["stroke"] == "#000000" }
        #expect(frames.count == 2)
        let x0 = Double(frames[0].attributes["x"]!)!, w0 = Double(frames[0].attributes["width"]!)!
        let x1 = Double(frames[1].attributes["x"]!)!
        #expect(x0 > 20 && x0 + w0 < x1 - 20 && x1 < 6 * 72)
        for text in svg.named("text") {
            let translate = text.attributes["transform"]!.split(whereSeparator: { "( )".contains($0) })
            let (tx, ty) = (Double(translate[1])!, Double(translate[2])!)
            #expect(tx > 0 && tx < 6 * 72 && ty > 0 && ty < 3 * 72, "\(text.text) at \(tx), \(ty)")
        }
    }
}
