import CCairo
import Foundation

/// Text measured as Cairo lays it out in DejaVu Sans (found through fontconfig), the font every
/// format draws with; the figure's layout (tick labels, margins, legends) is computed from it.
enum TextMetrics {
    /// The font family; matplotlib's default too.
    static let family = "DejaVu Sans"

    /// Height of capital letters and digits, and depth of descenders, per point of font size.
    static let capHeight: Double = measure { cr in
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, "H", &e)
        return -e.y_bearing / 100
    }
    static let descent: Double = measure { cr in
        var e = cairo_font_extents_t()
        cairo_font_extents(cr, &e)
        return e.descent / 100
    }

    /// The advance width, in points, of `text` set `size` points high.
    static func width(_ text: String, size: Double) -> Double {
        measure { cr in
            var e = cairo_text_extents_t()
            cairo_text_extents(cr, text, &e)
            return e.x_advance / 100 * size
        }
    }

    /// Runs `body` with a scratch context set to the font at 100 points, unhinted (so that
    /// sizes scale linearly and match the vector formats).
    private static func measure(_ body: (OpaquePointer) -> Double) -> Double {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1)
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        CairoCanvas.setFont(cr, size: 100)
        return body(cr)
    }
}

/// Draws a figure with Cairo: onto an image surface for PNG (anti-aliased, `dpi` pixels per
/// inch) or a PDF surface, both in points.
final class CairoCanvas: PlotCanvas {
    private let cr: OpaquePointer

    private init(_ cr: OpaquePointer) { self.cr = cr }

    /// A PNG of a `width` × `height` point figure at `dpi`, drawn by `draw`.
    static func png(width: Double, height: Double, dpi: Double, _ draw: (CairoCanvas) -> Void) -> Result<[UInt8], PlotError> {
        let pixels = (Int((width * dpi / 72).rounded()), Int((height * dpi / 72).rounded()))
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(pixels.0), Int32(pixels.1))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_scale(cr, dpi / 72, dpi / 72)
        draw(CairoCanvas(cr))
        let status = cairo_status(cr)
        cairo_destroy(cr)
        guard status == CAIRO_STATUS_SUCCESS else { return .failure(PlotError(cairo: status)) }
        return pngBytes(surface)
    }

    /// A PDF of a `width` × `height` point figure drawn by `draw`.
    static func pdf(width: Double, height: Double, _ draw: (CairoCanvas) -> Void) -> Result<[UInt8], PlotError> {
        let sink = ByteSink()
        // Cairo holds the sink unretained until the surface is finished.
        return withExtendedLifetime(sink) {
            let surface = cairo_pdf_surface_create_for_stream(ByteSink.write, Unmanaged.passUnretained(sink).toOpaque(),
                                                              width, height)!
            let cr = cairo_create(surface)!
            draw(CairoCanvas(cr))
            let status = cairo_status(cr)
            cairo_destroy(cr)
            cairo_surface_finish(surface)
            let finished = cairo_surface_status(surface)
            cairo_surface_destroy(surface)
            guard status == CAIRO_STATUS_SUCCESS else { return .failure(PlotError(cairo: status)) }
            guard finished == CAIRO_STATUS_SUCCESS else { return .failure(PlotError(cairo: finished)) }
            return .success(sink.bytes)
        }
    }

    /// `image` encoded as a PNG by Cairo's writer (SVG embeds its images this way).
    static func png(of image: PlotImage) -> Result<[UInt8], PlotError> {
        guard let surface = imageSurface(image) else { return .failure(PlotError("Cairo could not make a \(image.width) × \(image.height) image")) }
        defer { cairo_surface_destroy(surface) }
        return pngBytes(surface)
    }

    private static func pngBytes(_ surface: OpaquePointer) -> Result<[UInt8], PlotError> {
        let sink = ByteSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, ByteSink.write, Unmanaged.passUnretained(sink).toOpaque())
        }
        return status == CAIRO_STATUS_SUCCESS ? .success(sink.bytes) : .failure(PlotError(cairo: status))
    }

    /// Collects what Cairo writes to a stream.
    private final class ByteSink {
        var bytes: [UInt8] = []
        static let write: cairo_write_func_t = { closure, data, length in
            let sink = Unmanaged<ByteSink>.fromOpaque(closure!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
    }

    /// Selects DejaVu Sans at `size` points, with unhinted metrics.
    static func setFont(_ cr: OpaquePointer, size: Double) {
        cairo_select_font_face(cr, TextMetrics.family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
    }

    private func source(_ c: PlotColor) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    func polyline(_ points: [PlotPoint], color: PlotColor, width: Double, dashes: [Double]) {
        guard let first = points.first else { return }
        cairo_new_path(cr)
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_set_line_width(cr, width)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, dashes.isEmpty ? CAIRO_LINE_CAP_SQUARE : CAIRO_LINE_CAP_BUTT)
        cairo_set_dash(cr, dashes, Int32(dashes.count), 0)
        source(color)
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    func rectangle(_ r: PlotRect, fill: PlotColor?, stroke: PlotColor?, width: Double) {
        cairo_new_path(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        if let fill {
            source(fill)
            stroke == nil ? cairo_fill(cr) : cairo_fill_preserve(cr)
        }
        if let stroke {
            cairo_set_line_width(cr, width)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
            source(stroke)
            cairo_stroke(cr)
        }
    }

    func marker(_ marker: Marker, at c: PlotPoint, size: Double, color: PlotColor) {
        cairo_new_path(cr)
        source(color)
        guard let polygons = markerPolygons(marker, at: c, size: size) else {
            if marker == .none { return }
            cairo_arc(cr, c.x, c.y, marker == .point ? size / 4 : size / 2, 0, 2 * .pi)
            cairo_fill(cr)
            return
        }
        for polygon in polygons {
            cairo_move_to(cr, polygon[0].x, polygon[0].y)
            for p in polygon.dropFirst() { cairo_line_to(cr, p.x, p.y) }
            if !marker.isStroked { cairo_close_path(cr) }
        }
        if marker.isStroked {
            cairo_set_line_width(cr, 1)
            cairo_stroke(cr)
        } else {
            cairo_fill(cr)
        }
    }

    func text(_ text: String, at p: PlotPoint, size: Double, color: PlotColor, alignment: TextAlignment,
              baseline: TextBaseline, vertical: Bool) {
        Self.setFont(cr, size: size)
        let start = startX(0, width: TextMetrics.width(text, size: size), alignment)
        cairo_save(cr)
        cairo_translate(cr, p.x, p.y)
        if vertical { cairo_rotate(cr, -.pi / 2) }
        cairo_move_to(cr, start, baselineY(0, size: size, baseline))
        source(color)
        cairo_show_text(cr, text)
        cairo_restore(cr)
    }

    func image(_ image: PlotImage, in rect: PlotRect) {
        // A surface Cairo cannot make leaves the image out; the context's status is unaffected.
        guard let surface = Self.imageSurface(image) else { return }
        defer { cairo_surface_destroy(surface) }
        cairo_save(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(image.width), rect.height / Double(image.height))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_rectangle(cr, 0, 0, Double(image.width), Double(image.height))
        cairo_fill(cr)
        cairo_restore(cr)
    }

    func beginClip(_ r: PlotRect) {
        cairo_save(cr)
        cairo_new_path(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
    }

    func endClip() { cairo_restore(cr) }

    /// `image` as a Cairo surface (premultiplied ARGB in native-endian words), or nil when Cairo
    /// cannot make one (out of memory).
    private static func imageSurface(_ image: PlotImage) -> OpaquePointer? {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(image.width), Int32(image.height))!
        cairo_surface_flush(surface)
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let pixels = cairo_image_surface_get_data(surface) else {
            cairo_surface_destroy(surface)
            return nil
        }
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = UnsafeMutableRawPointer(pixels)
        for y in 0..<image.height {
            // Each row starts 4-byte aligned: Cairo's stride is a multiple of 4 for ARGB32.
            let row = (data + y * stride).bindMemory(to: UInt32.self, capacity: image.width)
            for x in 0..<image.width {
                let i = (y * image.width + x) * 4
                let a = UInt32(image.rgba[i + 3])
                func premultiplied(_ c: UInt8) -> UInt32 { (UInt32(c) * a + 127) / 255 }
                row[x] = a << 24 | premultiplied(image.rgba[i]) << 16 | premultiplied(image.rgba[i + 1]) << 8
                    | premultiplied(image.rgba[i + 2])
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }
}
