import Foundation

/// Writes a figure as SVG elements: lines as `<polyline>`, markers as `<circle>`/`<path>`, text
/// as `<text>` (so titles, labels and ticks stay searchable and editable), images as embedded
/// PNGs. Positions come from the same `TextMetrics` as the Cairo formats.
final class SVGCanvas: PlotCanvas {
    private(set) var body = ""
    private var clips = 0
    /// The first failure to encode an embedded image.
    private(set) var failure: PlotError?

    /// The document for a `width` × `height` point figure drawn by `draw`.
    static func document(width: Double, height: Double, _ draw: (SVGCanvas) -> Void) -> Result<[UInt8], PlotError> {
        let canvas = SVGCanvas()
        draw(canvas)
        if let failure = canvas.failure { return .failure(failure) }
        let head = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))pt" height="\(n(height))pt" \
            viewBox="0 0 \(n(width)) \(n(height))" font-family="\(TextMetrics.family), sans-serif">

            """
        return .success(Array((head + canvas.body + "</svg>\n").utf8))
    }

    private static func n(_ v: Double) -> String { String(format: "%.2f", v) }
    private func n(_ v: Double) -> String { Self.n(v) }

    private func paint(_ attribute: String, _ c: PlotColor) -> String {
        c.alpha < 1 ? " \(attribute)=\"\(c)\" \(attribute)-opacity=\"\(n(c.alpha))\"" : " \(attribute)=\"\(c)\""
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    func polyline(_ points: [PlotPoint], color: PlotColor, width: Double, dashes: [Double]) {
        guard !points.isEmpty else { return }
        let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        let dash = dashes.isEmpty ? " stroke-linecap=\"square\"" : " stroke-dasharray=\"\(dashes.map(n).joined(separator: " "))\""
        body += "<polyline points=\"\(list)\" fill=\"none\"\(paint("stroke", color)) stroke-width=\"\(n(width))\" stroke-linejoin=\"round\"\(dash)/>\n"
    }

    func rectangle(_ r: PlotRect, fill: PlotColor?, stroke: PlotColor?, width: Double) {
        let fillText = fill.map { paint("fill", $0) } ?? " fill=\"none\""
        let strokeText = stroke.map { paint("stroke", $0) + " stroke-width=\"\(n(width))\"" } ?? ""
        body += "<rect x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\"\(fillText)\(strokeText)/>\n"
    }

    func marker(_ marker: Marker, at c: PlotPoint, size: Double, color: PlotColor) {
        guard let polygons = markerPolygons(marker, at: c, size: size) else {
            if marker == .none { return }
            body += "<circle cx=\"\(n(c.x))\" cy=\"\(n(c.y))\" r=\"\(n(marker == .point ? size / 4 : size / 2))\"\(paint("fill", color))/>\n"
            return
        }
        let close = marker.isStroked ? "" : "Z"
        let d = polygons.map { polygon in
            "M" + polygon.map { "\(n($0.x)) \(n($0.y))" }.joined(separator: " L") + close
        }.joined(separator: " ")
        let style = marker.isStroked ? " fill=\"none\"" + paint("stroke", color) + " stroke-width=\"1\"" : paint("fill", color)
        body += "<path d=\"\(d)\"\(style)/>\n"
    }

    func text(_ text: String, at p: PlotPoint, size: Double, color: PlotColor, alignment: TextAlignment,
              baseline: TextBaseline, vertical: Bool) {
        // Placed from its start on its baseline, as the Cairo formats place it.
        let x = startX(0, width: TextMetrics.width(text, size: size), alignment), y = baselineY(0, size: size, baseline)
        let turn = vertical ? " rotate(-90)" : ""
        body += "<text transform=\"translate(\(n(p.x)) \(n(p.y)))\(turn)\" x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\"\(paint("fill", color))>\(Self.escaped(text))</text>\n"
    }

    func image(_ image: PlotImage, in r: PlotRect) {
        switch CairoCanvas.png(of: image) {
        case .success(let png):
            body += "<image x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(Data(png).base64EncodedString())\"/>\n"
        case .failure(let error):
            failure = failure ?? error
        }
    }

    func beginClip(_ r: PlotRect) {
        clips += 1
        body += "<clipPath id=\"clip\(clips)\"><rect x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\"/></clipPath>\n"
        body += "<g clip-path=\"url(#clip\(clips))\">\n"
    }

    func endClip() { body += "</g>\n" }
}
