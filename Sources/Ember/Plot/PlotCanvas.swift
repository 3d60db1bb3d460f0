/// A point on a figure, in points (1/72 inch) from its top-left corner, y downwards.
struct PlotPoint: Equatable {
    var x, y: Double
}

/// A rectangle on a figure, in points.
struct PlotRect: Equatable {
    var x, y, width, height: Double
    var right: Double { x + width }
    var bottom: Double { y + height }
    func contains(_ p: PlotPoint) -> Bool { p.x >= x && p.x <= right && p.y >= y && p.y <= bottom }

    /// The part of the segment from `p` to `q` inside the rectangle (Liang–Barsky), or nil.
    func clip(_ p: PlotPoint, _ q: PlotPoint) -> (PlotPoint, PlotPoint)? {
        let dx = q.x - p.x, dy = q.y - p.y
        guard dx.isFinite && dy.isFinite else { return nil }
        var enter = 0.0, leave = 1.0
        // For each edge: how fast the segment moves out through it, and how far inside p is.
        for (outwards, inside) in [(-dx, p.x - x), (dx, right - p.x), (-dy, p.y - y), (dy, bottom - p.y)] {
            if outwards == 0 {
                if inside < 0 { return nil }
                continue
            }
            let t = inside / outwards
            if outwards < 0 { enter = Swift.max(enter, t) } else { leave = Swift.min(leave, t) }
            if enter > leave { return nil }
        }
        func at(_ t: Double) -> PlotPoint { PlotPoint(x: p.x + t * dx, y: p.y + t * dy) }
        return (enter == 0 ? p : at(enter), leave == 1 ? q : at(leave))
    }

    /// The rectangle grown by `amount` on every side.
    func expanded(by amount: Double) -> PlotRect {
        PlotRect(x: x - amount, y: y - amount, width: width + 2 * amount, height: height + 2 * amount)
    }
}

/// How text sits on its anchor point: horizontally at its start, middle or end, vertically with
/// its capital letters' top, middle or its baseline, or its descenders' bottom there.
enum TextAlignment {
    case start, middle, end
}
enum TextBaseline {
    case top, middle, baseline, bottom
}

/// An 8-bit RGBA image to draw scaled into a rectangle (`imshow`).
struct PlotImage {
    let width: Int, height: Int
    /// Row-major pixels, four bytes each (not premultiplied).
    let rgba: [UInt8]
}

/// What a figure is drawn with: the few primitives plots need. `CairoCanvas` draws PNG and PDF,
/// `SVGCanvas` writes SVG elements (text stays text); both place text by `TextMetrics`, so a
/// figure has the same layout in every format.
protocol PlotCanvas: AnyObject {
    /// Line segments through `points`, `width` points wide, dashed by `dashes` (on, off, ...) when
    /// not empty.
    func polyline(_ points: [PlotPoint], color: PlotColor, width: Double, dashes: [Double])
    /// A rectangle, filled and/or outlined.
    func rectangle(_ rect: PlotRect, fill: PlotColor?, stroke: PlotColor?, width: Double)
    /// A marker `size` points across centred at `center`.
    func marker(_ marker: Marker, at center: PlotPoint, size: Double, color: PlotColor)
    /// One line of text in DejaVu Sans, `size` points high, turned a quarter anticlockwise when
    /// `vertical` (a y-axis label).
    func text(_ text: String, at: PlotPoint, size: Double, color: PlotColor, alignment: TextAlignment,
              baseline: TextBaseline, vertical: Bool)
    /// An image scaled to fill `rect`, pixels kept square-edged (nearest neighbour).
    func image(_ image: PlotImage, in rect: PlotRect)
    /// Clips what follows to `rect` until `endClip`.
    func beginClip(_ rect: PlotRect)
    func endClip()
}

extension PlotCanvas {
    /// Where the baseline of text `size` points high goes for a `baseline` alignment at `y`.
    func baselineY(_ y: Double, size: Double, _ baseline: TextBaseline) -> Double {
        switch baseline {
        case .top: y + TextMetrics.capHeight * size
        case .middle: y + TextMetrics.capHeight * size / 2
        case .baseline: y
        case .bottom: y - TextMetrics.descent * size
        }
    }

    /// The x of a text's start for an `alignment` at `x`.
    func startX(_ x: Double, width: Double, _ alignment: TextAlignment) -> Double {
        switch alignment {
        case .start: x
        case .middle: x - width / 2
        case .end: x - width
        }
    }

    /// The outline of `marker` at `center` as closed polygons (stroked markers as open pairs of
    /// points), `size` points across; nil for the circle and point, which are drawn as arcs.
    func markerPolygons(_ marker: Marker, at c: PlotPoint, size: Double) -> [[PlotPoint]]? {
        let r = size / 2
        func p(_ dx: Double, _ dy: Double) -> PlotPoint { PlotPoint(x: c.x + dx * r, y: c.y + dy * r) }
        switch marker {
        case .none, .circle, .point: return nil
        case .square: return [[p(-0.8, -0.8), p(0.8, -0.8), p(0.8, 0.8), p(-0.8, 0.8)]]
        case .triangleUp: return [[p(0, -1), p(1, 1), p(-1, 1)]]
        case .triangleDown: return [[p(0, 1), p(1, -1), p(-1, -1)]]
        case .diamond: return [[p(0, -1), p(0.7, 0), p(0, 1), p(-0.7, 0)]]
        case .plus: return [[p(-1, 0), p(1, 0)], [p(0, -1), p(0, 1)]]
        case .cross: return [[p(-0.8, -0.8), p(0.8, 0.8)], [p(-0.8, 0.8), p(0.8, -0.8)]]
        }
    }
}
