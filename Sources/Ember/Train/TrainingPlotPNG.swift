extension TrainingPlot {
    /// The figure as PNG bytes: the same layout as `svg()`, lettered in the built-in bitmap font.
    public func png() -> [UInt8] {
        var image = Raster(width: Self.width, height: Self.height, background: Raster.Color(hex: "#ffffff"))
        for panel in panels { draw(panel, on: &image) }
        return PNGEncoder.encode(width: Self.width, height: Self.height, rgb: image.rgb)
    }

    private func draw(_ p: Panel, on image: inout Raster) {
        let grid = Raster.Color(hex: "#dddddd"), ink = Raster.Color(hex: "#000000")
        let scale = 2, glyph = BitmapFont.height * scale
        func centered(_ text: String, _ x: Double) -> Int { Int(x) - BitmapFont.width(text) * scale / 2 }
        for tick in p.y.ticks {
            let y = p.point(1, tick).y
            image.line(p.left, y, p.right, y, grid, thickness: 1)
            let label = p.y.label(tick)
            image.text(label, x: Int(p.left) - 6 - BitmapFont.width(label) * scale, y: Int(y) - glyph / 2, scale: scale, ink)
        }
        for tick in p.x.ticks {
            let x = p.left + p.x.fraction(tick) * (p.right - p.left)
            image.line(x, p.top, x, p.bottom, grid, thickness: 1)
            image.text(p.x.label(tick), x: centered(p.x.label(tick), x), y: Int(p.bottom) + 8, scale: scale, ink)
        }
        for (x0, y0, x1, y1) in [(p.left, p.top, p.right, p.top), (p.right, p.top, p.right, p.bottom),
                                 (p.right, p.bottom, p.left, p.bottom), (p.left, p.bottom, p.left, p.top)] {
            image.line(x0, y0, x1, y1, ink, thickness: 1)
        }
        let middle = (p.left + p.right) / 2
        image.text(p.title, x: centered(p.title, middle), y: Int(p.top) - 12 - glyph, scale: scale, ink)
        image.text("epoch", x: centered("epoch", middle), y: Int(p.bottom) + 30, scale: scale, ink)
        for (row, s) in p.series.enumerated() {
            let color = Raster.Color(hex: s.color), dash: Double? = s.dashed ? 6 : nil
            for points in p.runs(s.values) {
                for (a, b) in zip(points, points.dropFirst()) { image.line(a.x, a.y, b.x, b.y, color, dash: dash) }
                for pt in points { image.fill(x0: Int(pt.x) - 2, y0: Int(pt.y) - 2, x1: Int(pt.x) + 3, y1: Int(pt.y) + 3, color) }
            }
            let (x, top) = Self.legendOrigin(p, row: row)
            image.line(x, top + 7, x + 24, top + 7, color, dash: dash)
            image.text(s.label, x: Int(x) + 30, y: Int(top), scale: scale, ink)
        }
    }
}
