import Foundation

extension TrainingPlot {
    /// The figure as an SVG document, with text for titles, ticks and legends.
    public func svg() -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.width)" height="\(Self.height)" \
            viewBox="0 0 \(Self.width) \(Self.height)" font-family="sans-serif" font-size="13">
            <rect width="100%" height="100%" fill="white"/>

            """
        for panel in panels { out += svg(panel) }
        return out + "</svg>\n"
    }

    private func svg(_ p: Panel) -> String {
        func n(_ v: Double) -> String { String(format: "%.2f", v) }
        var out = "<g>\n"
        for tick in p.y.ticks {
            let y = n(p.point(1, tick).y)
            out += "<line x1=\"\(n(p.left))\" y1=\"\(y)\" x2=\"\(n(p.right))\" y2=\"\(y)\" stroke=\"#dddddd\"/>\n"
            out += "<text x=\"\(n(p.left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(p.y.label(tick))</text>\n"
        }
        for tick in p.x.ticks {
            let x = n(p.left + p.x.fraction(tick) * (p.right - p.left))
            out += "<line x1=\"\(x)\" y1=\"\(n(p.top))\" x2=\"\(x)\" y2=\"\(n(p.bottom))\" stroke=\"#dddddd\"/>\n"
            out += "<text x=\"\(x)\" y=\"\(n(p.bottom + 18))\" text-anchor=\"middle\">\(p.x.label(tick))</text>\n"
        }
        out += "<rect x=\"\(n(p.left))\" y=\"\(n(p.top))\" width=\"\(n(p.right - p.left))\" height=\"\(n(p.bottom - p.top))\" fill=\"none\" stroke=\"black\"/>\n"
        out += "<text x=\"\(n((p.left + p.right) / 2))\" y=\"\(n(p.top - 14))\" text-anchor=\"middle\" font-size=\"15\">\(p.title)</text>\n"
        out += "<text x=\"\(n((p.left + p.right) / 2))\" y=\"\(n(p.bottom + 40))\" text-anchor=\"middle\">epoch</text>\n"
        for (row, s) in p.series.enumerated() {
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            for points in p.runs(s.values) {
                let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
                out += "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(dash)/>\n"
                for pt in points {
                    out += "<circle cx=\"\(n(pt.x))\" cy=\"\(n(pt.y))\" r=\"2.5\" fill=\"\(s.color)\"/>\n"
                }
            }
            let (x, top) = Self.legendOrigin(p, row: row)
            out += "<line x1=\"\(n(x))\" y1=\"\(n(top + 7))\" x2=\"\(n(x + 24))\" y2=\"\(n(top + 7))\" stroke=\"\(s.color)\" stroke-width=\"2\"\(dash)/>\n"
            out += "<text x=\"\(n(x + 30))\" y=\"\(n(top + 7))\" dominant-baseline=\"middle\">\(s.label)</text>\n"
        }
        return out + "</g>\n"
    }
}
