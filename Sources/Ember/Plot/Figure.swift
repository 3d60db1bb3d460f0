import CCairo
import Foundation

/// Why a figure could not be written: the file and the reason.
public struct PlotError: Error, CustomStringConvertible {
    /// The file, when the failure concerns one.
    public let path: String?
    /// What went wrong.
    public let reason: String
    /// One line: the file, when there is one, and the reason.
    public var description: String { path.map { "figure '\($0)': \(reason)" } ?? "figure: \(reason)" }

    init(path: String? = nil, _ reason: String) { (self.path, self.reason) = (path, reason) }
    init(cairo status: cairo_status_t) { self.init("Cairo failed: \(String(cString: cairo_status_to_string(status)))") }
}

/// The file formats a figure is written in.
public enum PlotFormat: String, Sendable, CaseIterable {
    case png, svg, pdf
}

/// A figure, as matplotlib's: a canvas of `size` inches holding a grid of `Axes`, written as PNG
/// (at `dpi` pixels per inch), SVG or PDF. Drawn with Cairo (DejaVu Sans, anti-aliased) in
/// matplotlib's default style; SVG keeps text as `<text>`.
///
/// ```swift
/// let fig = Figure(size: (7, 2.5))
/// let loss = fig.subplot(1, 2, 1), acc = fig.subplot(1, 2, 2)
/// loss.plot(1...epochs, trainLoss, label: "train loss")
/// acc.plot(1...epochs, testAcc, label: "test acc", lineStyle: "--")
/// acc.legend()
/// fig.tightLayout()
/// try fig.savefig("curves.png")
/// ```
public final class Figure {
    /// Width and height in inches (matplotlib's `figsize`; its default is 6.4 × 4.8).
    public let size: (width: Double, height: Double)
    /// Pixels per inch of the PNG.
    public let dpi: Double
    private var slots: [(rows: Int, cols: Int, index: Int, axes: Axes)] = []
    private var tight = false
    private var suptitleText: String?

    /// An empty figure. matplotlib: `plt.figure(figsize=size, dpi=dpi)`.
    public init(size: (Double, Double) = (6.4, 4.8), dpi: Double = 100) {
        check(size.0 > 0 && size.1 > 0 && size.0 <= 100 && size.1 <= 100,
              "Figure: size must be positive and at most 100 inches, got \(size)")
        check(dpi > 0 && dpi <= 1000, "Figure: dpi must be in (0, 1000], got \(dpi)")
        // Cairo's image surfaces hold at most 32767 pixels a side.
        check(size.0 * dpi <= 32767 && size.1 * dpi <= 32767,
              "Figure: a figure of \(size.0) × \(size.1) inches at \(dpi) dpi exceeds 32767 pixels a side")
        self.size = (size.0, size.1)
        self.dpi = dpi
    }

    /// The axes in cell `index` (1-based, row by row) of a `rows` × `cols` grid, made on first
    /// use. matplotlib: `fig.add_subplot(rows, cols, index)`, `plt.subplot`.
    public func subplot(_ rows: Int, _ cols: Int, _ index: Int) -> Axes {
        check(rows > 0 && cols > 0 && (1...rows * cols).contains(index),
              "subplot: index must be in 1...\(rows * cols) for a \(rows) × \(cols) grid, got \(index)")
        if let slot = slots.first(where: { $0.rows == rows && $0.cols == cols && $0.index == index }) { return slot.axes }
        let axes = Axes()
        slots.append((rows, cols, index, axes))
        return axes
    }

    /// All cells of a `rows` × `cols` grid, row by row. matplotlib: `fig.subplots(rows, cols)`
    /// (flattened).
    public func subplots(_ rows: Int, _ cols: Int) -> [Axes] {
        check(rows > 0 && cols > 0, "subplots: need at least one row and one column, got \(rows) × \(cols)")
        return (1...rows * cols).map { subplot(rows, cols, $0) }
    }

    /// A title over the whole figure. matplotlib: `fig.suptitle`.
    public func suptitle(_ text: String) { suptitleText = text }

    /// Lays the axes out so that their labels, ticks and titles fit without overlapping, with
    /// matplotlib's padding (1.08 font sizes). matplotlib: `fig.tight_layout()`.
    public func tightLayout() { tight = true }

    /// Writes the figure to `path` in the format its extension names (`.png`, `.svg`, `.pdf`),
    /// atomically: a failed write leaves no file and keeps an existing one.
    /// matplotlib: `fig.savefig(path)`.
    public func savefig(_ path: String) throws(PlotError) {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard let format = PlotFormat(rawValue: ext) else {
            throw PlotError(path: path, "unknown format '\(ext)': use .png, .svg or .pdf")
        }
        let bytes = try rendered(format)
        try AtomicFile.write(to: path, failure: { PlotError(path: path, $0) }) { file throws(PlotError) in try file.write(bytes) }
    }

    /// The figure's file contents in `format`.
    public func rendered(_ format: PlotFormat) throws(PlotError) -> [UInt8] {
        let (w, h) = (size.width * 72, size.height * 72)
        let result = switch format {
        case .png: CairoCanvas.png(width: w, height: h, dpi: dpi, draw)
        case .pdf: CairoCanvas.pdf(width: w, height: h, draw)
        case .svg: SVGCanvas.document(width: w, height: h, draw)
        }
        return try result.get()
    }

    /// Draws the figure: a white page, the suptitle, then each axes in its cell.
    private func draw(_ canvas: PlotCanvas) {
        let (w, h) = (size.width * 72, size.height * 72)
        canvas.rectangle(PlotRect(x: 0, y: 0, width: w, height: h), fill: "#ffffff", stroke: nil, width: 0)
        if let suptitleText {
            canvas.text(suptitleText, at: PlotPoint(x: w / 2, y: 0.02 * h), size: PlotStyle.titleSize, color: "#000000",
                        alignment: .middle, baseline: .top, vertical: false)
        }
        for slot in slots {
            let cell = tight ? tightCell(slot) : defaultCell(slot)
            slot.axes.draw(on: canvas, box: slot.axes.plotArea(in: cell))
        }
    }

    /// The room above the grid that a suptitle takes, in points.
    private var suptitleRoom: Double {
        suptitleText == nil ? 0 : 0.02 * size.height * 72 + (TextMetrics.capHeight + TextMetrics.descent) * PlotStyle.titleSize
    }

    /// A cell of a `rows` × `cols` grid spanning `area`, with gaps of `gap` points (or `wgap`
    /// and `hgap` fractions of the average cell, matplotlib's `wspace` and `hspace`).
    private func cell(_ slot: (rows: Int, cols: Int, index: Int, axes: Axes), area: PlotRect,
                      gap: (w: Double, h: Double)) -> PlotRect {
        let cellW = (area.width - gap.w * Double(slot.cols - 1)) / Double(slot.cols)
        let cellH = (area.height - gap.h * Double(slot.rows - 1)) / Double(slot.rows)
        let (row, col) = ((slot.index - 1) / slot.cols, (slot.index - 1) % slot.cols)
        return PlotRect(x: area.x + Double(col) * (cellW + gap.w), y: area.y + Double(row) * (cellH + gap.h),
                        width: Swift.max(cellW, 1), height: Swift.max(cellH, 1))
    }

    /// matplotlib's default subplot parameters: left 0.125, right 0.9, bottom 0.11, top 0.88 (as
    /// fractions of the figure, from its bottom left), wspace and hspace 0.2.
    private func defaultCell(_ slot: (rows: Int, cols: Int, index: Int, axes: Axes)) -> PlotRect {
        let (w, h) = (size.width * 72, size.height * 72)
        let top = Swift.max(0.12 * h, suptitleRoom)
        let area = PlotRect(x: 0.125 * w, y: top, width: 0.775 * w, height: Swift.max(0.89 * h - top, 1))
        let cellW = area.width / (Double(slot.cols) + 0.2 * Double(slot.cols - 1))
        let cellH = area.height / (Double(slot.rows) + 0.2 * Double(slot.rows - 1))
        return cell(slot, area: area, gap: (0.2 * cellW, 0.2 * cellH))
    }

    /// A cell with room for the decorations of every axes of the figure: the largest margin on
    /// each side, measured on the default layout, plus 1.08 font sizes of padding.
    /// When the decorations leave no room for the plots, the default layout is kept, as
    /// matplotlib's `tight_layout` keeps it (with a warning) then.
    private func tightCell(_ slot: (rows: Int, cols: Int, index: Int, axes: Axes)) -> PlotRect {
        let (w, h) = (size.width * 72, size.height * 72), pad = 1.08 * PlotStyle.fontSize
        var m = AxesMargins()
        for other in slots where other.rows == slot.rows && other.cols == slot.cols {
            let own = other.axes.margins(for: other.axes.plotArea(in: defaultCell(other)))
            m = AxesMargins(left: Swift.max(m.left, own.left), right: Swift.max(m.right, own.right),
                            top: Swift.max(m.top, own.top), bottom: Swift.max(m.bottom, own.bottom))
        }
        let top = pad + suptitleRoom
        let area = PlotRect(x: pad + m.left, y: top + m.top, width: w - 2 * pad - m.left - m.right,
                            height: h - top - pad - m.top - m.bottom)
        let gap = (w: m.left + m.right + pad, h: m.top + m.bottom + pad)
        guard area.width - gap.w * Double(slot.cols - 1) > Double(slot.cols),
              area.height - gap.h * Double(slot.rows - 1) > Double(slot.rows) else { return defaultCell(slot) }
        return cell(slot, area: area, gap: gap)
    }
}
