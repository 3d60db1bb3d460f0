extension Axes {
    /// The legend's box for `entries` labels at `location` in a plot area `box`, with matplotlib's
    /// spacing (in font sizes: border 0.4, between rows 0.5, handle 2.0 wide and 0.8 from its
    /// label, 0.5 from the axes).
    private func legendRect(_ labels: [String], at location: LegendLocation, in box: PlotRect) -> PlotRect {
        let em = PlotStyle.fontSize, row = 1.1 * em
        let width = (0.4 + 2.0 + 0.8 + 0.4) * em + (labels.map { TextMetrics.width($0, size: em) }.max() ?? 0)
        let height = 0.8 * em + Double(labels.count) * row + Double(labels.count - 1) * 0.5 * em
        let pad = 0.5 * em
        let left = box.x + pad, right = box.right - pad - width, centerX = box.x + (box.width - width) / 2
        let top = box.y + pad, bottom = box.bottom - pad - height, centerY = box.y + (box.height - height) / 2
        let (x, y): (Double, Double) = switch location {
        case .best, .upperRight: (right, top)
        case .upperLeft: (left, top)
        case .lowerLeft: (left, bottom)
        case .lowerRight: (right, bottom)
        case .right, .centerRight: (right, centerY)
        case .centerLeft: (left, centerY)
        case .lowerCenter: (centerX, bottom)
        case .upperCenter: (centerX, top)
        case .center: (centerX, centerY)
        }
        return PlotRect(x: x, y: y, width: width, height: height)
    }

    /// Draws the legend of the labelled series; `.best` takes the first location, in matplotlib's
    /// order, that covers the fewest of the `drawn` points.
    func drawLegend(on canvas: PlotCanvas, box: PlotRect, location: LegendLocation, avoiding drawn: [PlotPoint]) {
        let entries = series.filter { $0.label != nil }
        guard !entries.isEmpty else { return }
        let labels = entries.map { $0.label! }
        var rect = legendRect(labels, at: location, in: box)
        if location == .best {
            let candidates = LegendLocation.allCases.dropFirst().map { legendRect(labels, at: $0, in: box) }
            rect = candidates.min { a, b in
                drawn.count(where: a.contains) < drawn.count(where: b.contains)
            } ?? rect
        }
        canvas.rectangle(rect, fill: PlotColor("#ffffff").withAlpha(0.8), stroke: "#cccccc", width: 1)
        let em = PlotStyle.fontSize, row = 1.1 * em
        for (i, s) in entries.enumerated() {
            let middle = rect.y + 0.4 * em + Double(i) * (row + 0.5 * em) + row / 2
            let handle = (rect.x + 0.4 * em, rect.x + 2.4 * em)
            if s.lineStyle != .none {
                canvas.polyline([PlotPoint(x: handle.0, y: middle), PlotPoint(x: handle.1, y: middle)], color: s.color,
                                width: s.lineWidth, dashes: s.lineStyle.dashes(width: s.lineWidth))
            }
            canvas.marker(s.marker, at: PlotPoint(x: (handle.0 + handle.1) / 2, y: middle), size: s.markerSize, color: s.color)
            canvas.text(labels[i], at: PlotPoint(x: handle.1 + 0.8 * em, y: middle), size: em, color: "#000000",
                        alignment: .start, baseline: .middle, vertical: false)
        }
    }
}
