import Foundation

/// Room the axes' decorations take outside its plot area, in points.
struct AxesMargins {
    var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
}

extension Axes {
    /// The x and y axes: the data's range (or the set limits), or an image's pixels.
    func views() -> (x: AxisView, y: AxisView) {
        if let image {
            // Pixel centres at whole numbers, as matplotlib's imshow places them.
            return (AxisView(values: [], limits: xLimits ?? (-0.5, Double(image.width) - 0.5), scale: .linear),
                    AxisView(values: [], limits: yLimits ?? (-0.5, Double(image.height) - 0.5), scale: .linear))
        }
        return (AxisView(values: series.flatMap(\.x), limits: xLimits, scale: xScale),
                AxisView(values: series.flatMap(\.y), limits: yLimits, scale: yScale))
    }

    /// The ticks of each axis for a plot area `box`: as many as fit (matplotlib's `auto`).
    func ticks(_ views: (x: AxisView, y: AxisView), in box: PlotRect) -> (x: [AxisView.Tick], y: [AxisView.Tick]) {
        (views.x.ticks(maxCount: Swift.min(9, Swift.max(1, Int(box.width / (3 * PlotStyle.fontSize)))), fixed: xTicks),
         views.y.ticks(maxCount: Swift.min(9, Swift.max(1, Int(box.height / (2 * PlotStyle.fontSize)))), fixed: yTicks))
    }

    /// The plot area inside `cell`: all of it, or for an image the largest centred box with
    /// square pixels.
    func plotArea(in cell: PlotRect) -> PlotRect {
        guard let image, cell.width > 0, cell.height > 0 else { return cell }
        let aspect = Double(image.height) / Double(image.width)
        if cell.height / cell.width > aspect {
            let h = cell.width * aspect
            return PlotRect(x: cell.x, y: cell.y + (cell.height - h) / 2, width: cell.width, height: h)
        }
        let w = cell.height / aspect
        return PlotRect(x: cell.x + (cell.width - w) / 2, y: cell.y, width: w, height: cell.height)
    }

    /// Width of a tick label at the tick font size.
    private func width(_ tick: AxisView.Tick) -> Double {
        TextMetrics.width(tick.base, size: PlotStyle.fontSize)
            + (tick.exponent.map { TextMetrics.width($0, size: PlotStyle.fontSize * PlotStyle.exponentScale) } ?? 0)
    }

    /// Height of a line of text `size` points high, from capital tops to descender bottoms.
    private func lineHeight(_ size: Double) -> Double { (TextMetrics.capHeight + TextMetrics.descent) * size }

    /// The height of the x tick labels' line, with its descender room (as matplotlib's text
    /// boxes have) and the raised exponents of log ticks.
    private func xTickHeight(_ ticks: [AxisView.Tick]) -> Double {
        let raise = ticks.contains { $0.exponent != nil } ? TextMetrics.capHeight * PlotStyle.exponentRise : 0
        return (TextMetrics.capHeight + TextMetrics.descent + raise) * PlotStyle.fontSize
    }

    /// The room ticks, labels and title need around a plot area `box` (for `tightLayout`).
    func margins(for box: PlotRect) -> AxesMargins {
        var m = AxesMargins()
        if let titleText, !titleText.isEmpty {
            let lines = Double(titleText.split(separator: "\n", omittingEmptySubsequences: false).count)
            m.top = PlotStyle.titlePad + lineHeight(PlotStyle.titleSize) + (lines - 1) * PlotStyle.lineSpacing * PlotStyle.titleSize
        }
        guard showsAxes else { return m }
        let ticks = ticks(views(), in: box)
        let tickRoom = PlotStyle.tickLength + PlotStyle.tickPad
        m.bottom = tickRoom + xTickHeight(ticks.x)
        if let xLabelText, !xLabelText.isEmpty { m.bottom += PlotStyle.labelPad + lineHeight(PlotStyle.fontSize) }
        m.left = tickRoom + (ticks.y.map(width).max() ?? 0)
        if let yLabelText, !yLabelText.isEmpty { m.left += PlotStyle.labelPad + lineHeight(PlotStyle.fontSize) }
        // The last x label and the top y label stick out past the frame by half their size.
        m.right = (ticks.x.last.map(width) ?? 0) / 2
        m.top = Swift.max(m.top, TextMetrics.capHeight * PlotStyle.fontSize / 2)
        return m
    }

    /// Draws the axes with its plot area at `box`.
    func draw(on canvas: PlotCanvas, box: PlotRect) {
        let views = views(), ticks = ticks(views, in: box)
        let inverted = image != nil
        func screen(_ x: Double, _ y: Double) -> PlotPoint {
            let fy = views.y.fraction(y)
            return PlotPoint(x: box.x + views.x.fraction(x) * box.width,
                             y: inverted ? box.y + fy * box.height : box.bottom - fy * box.height)
        }
        canvas.rectangle(box, fill: "#ffffff", stroke: nil, width: 0)
        if showsGrid && showsAxes {
            for t in ticks.x { let x = screen(t.value, views.y.lower).x
                canvas.polyline([PlotPoint(x: x, y: box.y), PlotPoint(x: x, y: box.bottom)], color: PlotStyle.gridColor,
                                width: PlotStyle.gridWidth, dashes: []) }
            for t in ticks.y { let y = screen(views.x.lower, t.value).y
                canvas.polyline([PlotPoint(x: box.x, y: y), PlotPoint(x: box.right, y: y)], color: PlotStyle.gridColor,
                                width: PlotStyle.gridWidth, dashes: []) }
        }
        canvas.beginClip(box)
        if let image { canvas.image(image, in: box) }
        var drawn: [PlotPoint] = []
        // Lines are cut at a wide frame around the box before Cairo sees them: Cairo draws in
        // fixed point, where a point far outside (set limits, an outlier) would wrap around.
        let frame = box.expanded(by: 1000)
        for s in series {
            var runs: [[PlotPoint]] = [[]]
            for (x, y) in zip(s.x, s.y) {
                let p = screen(x, y)
                if AxisView.isDrawable(x, views.x.scale) && AxisView.isDrawable(y, views.y.scale) && p.x.isFinite && p.y.isFinite {
                    runs[runs.count - 1].append(p)
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            for run in runs where !run.isEmpty {
                if s.lineStyle != .none {
                    for piece in Self.pieces(of: run, inside: frame) {
                        canvas.polyline(piece, color: s.color, width: s.lineWidth, dashes: s.lineStyle.dashes(width: s.lineWidth))
                    }
                }
                for p in run where frame.contains(p) { canvas.marker(s.marker, at: p, size: s.markerSize, color: s.color) }
                drawn += run.filter(box.contains)
            }
        }
        canvas.endClip()
        if showsAxes { drawFrame(on: canvas, box: box, ticks: ticks, screen: screen, views: views) }
        if let titleText, !titleText.isEmpty {
            // Lines of a title with "\n" stack upwards from the last, as matplotlib's do.
            for (k, line) in titleText.split(separator: "\n", omittingEmptySubsequences: false).reversed().enumerated() {
                let y = box.y - PlotStyle.titlePad - Double(k) * PlotStyle.lineSpacing * PlotStyle.titleSize
                canvas.text(String(line), at: PlotPoint(x: box.x + box.width / 2, y: y), size: PlotStyle.titleSize,
                            color: "#000000", alignment: .middle, baseline: .bottom, vertical: false)
            }
        }
        if let legendLocation { drawLegend(on: canvas, box: box, location: legendLocation, avoiding: drawn) }
    }

    /// The parts of the line through `run` inside `frame`, each a run of connected points.
    static func pieces(of run: [PlotPoint], inside frame: PlotRect) -> [[PlotPoint]] {
        var pieces: [[PlotPoint]] = []
        for (p, q) in zip(run, run.dropFirst()) {
            guard let (a, b) = frame.clip(p, q) else { continue }
            if pieces.last?.last == a { pieces[pieces.count - 1].append(b) } else { pieces.append([a, b]) }
        }
        return pieces
    }

    private func drawFrame(on canvas: PlotCanvas, box: PlotRect, ticks: (x: [AxisView.Tick], y: [AxisView.Tick]),
                           screen: (Double, Double) -> PlotPoint, views: (x: AxisView, y: AxisView)) {
        let ink: PlotColor = "#000000", size = PlotStyle.fontSize
        canvas.rectangle(box, fill: nil, stroke: ink, width: PlotStyle.spineWidth)
        let below = box.bottom + PlotStyle.tickLength + PlotStyle.tickPad
        for t in ticks.x {
            let x = screen(t.value, views.y.lower).x
            canvas.polyline([PlotPoint(x: x, y: box.bottom), PlotPoint(x: x, y: box.bottom + PlotStyle.tickLength)],
                            color: ink, width: PlotStyle.spineWidth, dashes: [])
            let raise = t.exponent == nil ? 0 : TextMetrics.capHeight * size * PlotStyle.exponentRise
            drawLabel(t, on: canvas, at: PlotPoint(x: x, y: below + raise), alignment: .middle, baseline: .top)
        }
        let left = box.x - PlotStyle.tickLength - PlotStyle.tickPad
        var widest = 0.0
        for t in ticks.y {
            let y = screen(views.x.lower, t.value).y
            canvas.polyline([PlotPoint(x: box.x - PlotStyle.tickLength, y: y), PlotPoint(x: box.x, y: y)],
                            color: ink, width: PlotStyle.spineWidth, dashes: [])
            drawLabel(t, on: canvas, at: PlotPoint(x: left, y: y), alignment: .end, baseline: .middle)
            widest = Swift.max(widest, width(t))
        }
        if let xLabelText, !xLabelText.isEmpty {
            canvas.text(xLabelText, at: PlotPoint(x: box.x + box.width / 2, y: below + xTickHeight(ticks.x) + PlotStyle.labelPad),
                        size: size, color: ink, alignment: .middle, baseline: .top, vertical: false)
        }
        if let yLabelText, !yLabelText.isEmpty {
            canvas.text(yLabelText, at: PlotPoint(x: left - widest - PlotStyle.labelPad, y: box.y + box.height / 2),
                        size: size, color: ink, alignment: .middle, baseline: .bottom, vertical: true)
        }
    }

    /// A tick label: its base at the tick font size and, for log ticks, the raised exponent.
    private func drawLabel(_ tick: AxisView.Tick, on canvas: PlotCanvas, at p: PlotPoint, alignment: TextAlignment,
                           baseline: TextBaseline) {
        let size = PlotStyle.fontSize, ink: PlotColor = "#000000"
        let start = canvas.startX(p.x, width: width(tick), alignment)
        canvas.text(tick.base, at: PlotPoint(x: start, y: p.y), size: size, color: ink, alignment: .start,
                    baseline: baseline, vertical: false)
        guard let exponent = tick.exponent else { return }
        let baseY = canvas.baselineY(p.y, size: size, baseline)
        canvas.text(exponent, at: PlotPoint(x: start + TextMetrics.width(tick.base, size: size),
                                            y: baseY - TextMetrics.capHeight * size * PlotStyle.exponentRise),
                    size: size * PlotStyle.exponentScale, color: ink, alignment: .start, baseline: .baseline, vertical: false)
    }
}
