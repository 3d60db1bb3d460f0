/// An RGB image in memory with the few drawing operations a line chart needs: filled
/// rectangles, thick lines and text in the built-in bitmap font. Coordinates are pixels from the
/// top-left corner; whatever falls outside the image is clipped.
struct Raster {
    /// An RGB colour.
    struct Color: Equatable {
        var r: UInt8, g: UInt8, b: UInt8

        init(r: UInt8, g: UInt8, b: UInt8) { (self.r, self.g, self.b) = (r, g, b) }

        /// A colour from CSS hex notation, e.g. `#1f77b4`.
        init(hex: String) {
            let v = UInt32(hex.dropFirst(), radix: 16) ?? 0
            (r, g, b) = (UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
        }
    }

    let width: Int
    let height: Int
    /// 3 bytes per pixel, row by row.
    private(set) var rgb: [UInt8]

    /// An image filled with `background`.
    init(width: Int, height: Int, background: Color) {
        self.width = width
        self.height = height
        rgb = [UInt8](repeating: 0, count: width * height * 3)
        fill(x0: 0, y0: 0, x1: width, y1: height, background)
    }

    /// The colour at `(x, y)`.
    subscript(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(r: rgb[i], g: rgb[i + 1], b: rgb[i + 2])
    }

    /// Fills the pixels with `x0 ≤ x < x1` and `y0 ≤ y < y1`.
    mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, _ color: Color) {
        for y in max(y0, 0)..<max(min(y1, height), max(y0, 0)) {
            for x in max(x0, 0)..<max(min(x1, width), max(x0, 0)) {
                let i = (y * width + x) * 3
                (rgb[i], rgb[i + 1], rgb[i + 2]) = (color.r, color.g, color.b)
            }
        }
    }

    /// A line `thickness` pixels wide from `(x0, y0)` to `(x1, y1)`, drawn as squares stamped every
    /// quarter pixel; with `dash`, alternately `dash` pixels drawn and `dash` pixels skipped.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color,
                       thickness: Int = 2, dash: Double? = nil) {
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        let steps = max(Int(length * 4), 1)
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            if let dash, Int(t * length / dash) % 2 == 1 { continue }
            let x = Int((x0 + (x1 - x0) * t).rounded()) - thickness / 2
            let y = Int((y0 + (y1 - y0) * t).rounded()) - thickness / 2
            fill(x0: x, y0: y, x1: x + thickness, y1: y + thickness, color)
        }
    }

    /// `text` in the bitmap font, each font pixel `scale` × `scale`, with its top-left at `(x, y)`;
    /// characters the font lacks are left blank.
    mutating func text(_ text: String, x: Int, y: Int, scale: Int, _ color: Color) {
        for (n, ch) in text.enumerated() {
            guard let rows = BitmapFont.glyphs[ch] else { continue }
            let left = x + n * BitmapFont.advance * scale
            for (row, bits) in rows.enumerated() {
                for (col, bit) in bits.enumerated() where bit == "#" {
                    fill(x0: left + col * scale, y0: y + row * scale,
                         x1: left + (col + 1) * scale, y1: y + (row + 1) * scale, color)
                }
            }
        }
    }
}
