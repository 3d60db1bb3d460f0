/// Turns tensors into RGBA images for `imshow`: single-channel values through a colour map,
/// colour images as they are.
enum Colormap {
    /// Colours at evenly spaced positions from 0 to 1, interpolated linearly between.
    static let maps: [String: [PlotColor]] = [
        // matplotlib's viridis sampled at 0, 1/16, ..., 1: within 6 of 255 of its 256 entries.
        "viridis": ["#440154", "#48186a", "#472d7b", "#424086", "#3b528b", "#33638d", "#2c728e", "#26828e", "#21918c",
                    "#1fa088", "#28ae80", "#3fbc73", "#5ec962", "#84d44b", "#addc30", "#d8e219", "#fde725"],
        "gray": ["#000000", "#ffffff"],
        "binary": ["#ffffff", "#000000"],
    ]

    /// `image` as matplotlib's `imshow` draws it (see `Axes.imshow`).
    static func image(_ image: Tensor, cmap: String, vmin: Double?, vmax: Double?) -> PlotImage {
        check(image.dim == 2 || (image.dim == 3 && [3, 4].contains(image.shape[2])),
              "imshow: expected an image of shape (H, W), (H, W, 3) or (H, W, 4), got \(shapeString(image.shape))")
        check(image.dtype != .bool, "imshow: expected a numeric image, got \(image.dtype)")
        check(image.shape[0] > 0 && image.shape[1] > 0, "imshow: the image is empty: \(shapeString(image.shape))")
        check(image.shape[0] <= 32767 && image.shape[1] <= 32767,
              "imshow: images are at most 32767 pixels a side (Cairo's limit), got \(shapeString(image.shape))")
        let values = image.plotValues
        let (h, w) = (image.shape[0], image.shape[1])
        var rgba = [UInt8](repeating: 255, count: h * w * 4)
        if image.dim == 3 {
            let channels = image.shape[2], scale = image.dtype == .uint8 ? 1.0 : 255
            for p in 0..<h * w {
                for c in 0..<channels {
                    let v = values[p * channels + c] * scale
                    rgba[p * 4 + c] = v.isNaN ? 0 : UInt8(Swift.max(0, Swift.min(255, v.rounded())))
                }
            }
            return PlotImage(width: w, height: h, rgba: rgba)
        }
        guard let colors = maps[cmap] else {
            fatalError("imshow: unknown colour map '\(cmap)': use one of \(maps.keys.sorted().joined(separator: ", "))")
        }
        let finite = values.filter(\.isFinite)
        let low = vmin ?? finite.min() ?? 0, high = vmax ?? finite.max() ?? 1
        for (p, v) in values.enumerated() {
            // NaN pixels stay transparent, as matplotlib leaves masked values.
            guard !v.isNaN else { rgba[p * 4 + 3] = 0; continue }
            let ratio = (v - low) / (high - low)
            let t = high > low && !ratio.isNaN ? Swift.max(0, Swift.min(1, ratio)) : 0
            let position = t * Double(colors.count - 1), i = Swift.min(Int(position), colors.count - 2)
            let f = position - Double(i), a = colors[i], b = colors[i + 1]
            for (c, (x, y)) in [(a.red, b.red), (a.green, b.green), (a.blue, b.blue)].enumerated() {
                rgba[p * 4 + c] = UInt8(((x + (y - x) * f) * 255).rounded())
            }
        }
        return PlotImage(width: w, height: h, rgba: rgba)
    }
}
