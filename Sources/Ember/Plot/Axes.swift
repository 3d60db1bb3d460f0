/// One plot of a figure, as matplotlib's `Axes`: curves, scatters and images with their axes,
/// ticks, labels, title, grid and legend. Made by `Figure.subplot`; each call adds to it.
///
/// ```swift
/// let fig = Figure(size: (10, 4))
/// let ax = fig.subplot(1, 2, 1)
/// ax.plot(epochs, losses, label: "train loss")
/// ax.xlabel("epoch"); ax.yscale(.log); ax.legend()
/// try fig.savefig("loss.png")
/// ```
public final class Axes {
    /// A curve or scatter: its points and how they are drawn.
    struct Series {
        let x: [Double], y: [Double]
        let color: PlotColor
        let lineStyle: LineStyle, lineWidth: Double
        let marker: Marker, markerSize: Double
        let label: String?
    }

    private(set) var series: [Series] = []
    /// The `imshow` image and its size in pixels.
    private(set) var image: PlotImage?
    private(set) var titleText: String?, xLabelText: String?, yLabelText: String?
    private(set) var xLimits: (Double, Double)?, yLimits: (Double, Double)?
    private(set) var xScale = AxisScale.linear, yScale = AxisScale.linear
    private(set) var xTicks: [Double]?, yTicks: [Double]?
    private(set) var showsGrid = false
    private(set) var legendLocation: LegendLocation?
    private(set) var showsAxes = true
    private var cycleIndex = 0

    init() {}

    private func nextColor() -> PlotColor {
        defer { cycleIndex += 1 }
        return PlotColor.cycle[cycleIndex % PlotColor.cycle.count]
    }

    /// Draws `y` against `x` as a line (`lineStyle`, `lineWidth` points) with `marker`s of
    /// `markerSize` points at the points; the colour is the next of the cycle unless given.
    /// Points where either value is NaN or infinite leave a gap. matplotlib: `ax.plot(x, y, ...)`.
    public func plot(_ x: some PlotValues, _ y: some PlotValues, label: String? = nil, color: PlotColor? = nil,
                     marker: Marker = .none, lineStyle: LineStyle = .solid, lineWidth: Double = 1.5,
                     markerSize: Double = 6) {
        let xs = x.plotValues, ys = y.plotValues
        check(xs.count == ys.count, "plot: x and y must have the same length, got \(xs.count) and \(ys.count)")
        check(lineWidth >= 0 && lineWidth <= 1000 && markerSize >= 0 && markerSize <= 1000,
              "plot: lineWidth and markerSize must be in [0, 1000] points, got \(lineWidth) and \(markerSize)")
        series.append(Series(x: xs, y: ys, color: color ?? nextColor(), lineStyle: lineStyle, lineWidth: lineWidth,
                             marker: marker, markerSize: markerSize, label: label))
    }

    /// Draws `y` against `x` styled by a matplotlib format string `[marker][line][color]` in any
    /// order: `"g--"` a dashed green line, `"ro"` red circles without a line, `"b-o"`. Given
    /// `color` or `lineStyle` arguments win. matplotlib: `ax.plot(x, y, 'g--', linewidth=2)`.
    public func plot(_ x: some PlotValues, _ y: some PlotValues, _ format: String, label: String? = nil,
                     lineWidth: Double = 1.5, markerSize: Double = 6) {
        var rest = Substring(format), line: LineStyle?, marker = Marker.none, color: PlotColor?
        while let c = rest.first {
            if let style = ["--", "-.", "-", ":"].first(where: { rest.hasPrefix($0) }) {
                line = LineStyle(rawValue: style)
                rest = rest.dropFirst(style.count)
                continue
            }
            if let m = Marker(rawValue: String(c)), m != .none { marker = m }
            else if "bgrcmykw".contains(c) { color = PlotColor(String(c)) }
            else { fatalError("plot: '\(format)' is not a format string: unknown character '\(c)'") }
            rest = rest.dropFirst()
        }
        // A marker without a line style draws markers only, as matplotlib does.
        plot(x, y, label: label, color: color, marker: marker, lineStyle: line ?? (marker == .none ? .solid : .none),
             lineWidth: lineWidth, markerSize: markerSize)
    }

    /// Draws `y` against its indices 0, 1, 2, ... matplotlib: `ax.plot(y)`.
    public func plot(_ y: some PlotValues, label: String? = nil, color: PlotColor? = nil, marker: Marker = .none,
                     lineStyle: LineStyle = .solid, lineWidth: Double = 1.5, markerSize: Double = 6) {
        let ys = y.plotValues
        plot(ys.indices.map(Double.init), ys, label: label, color: color, marker: marker, lineStyle: lineStyle,
             lineWidth: lineWidth, markerSize: markerSize)
    }

    /// Draws a marker at each point: `size` is the marker's area in points² (matplotlib's `s`,
    /// default 36), `alpha` its opacity. matplotlib: `ax.scatter(x, y, s=, c=, alpha=, marker=)`.
    public func scatter(_ x: some PlotValues, _ y: some PlotValues, size: Double = 36, color: PlotColor? = nil,
                        alpha: Double = 1, marker: Marker = .circle, label: String? = nil) {
        check((0...1).contains(alpha), "scatter: alpha must be in [0, 1], got \(alpha)")
        check(size >= 0 && size <= 1e6, "scatter: size (the marker's area in points²) must be in [0, 1e6], got \(size)")
        check(marker != .none, "scatter: a scatter needs a marker")
        plot(x, y, label: label, color: (color ?? nextColor()).withAlpha(alpha), marker: marker, lineStyle: .none,
             markerSize: size.squareRoot())
    }

    /// Shows an image with square pixels, row 0 at the top: `(H, W)` values mapped through
    /// `cmap` (`"viridis"`, matplotlib's default, `"gray"` or `"binary"`) from `vmin`...`vmax`
    /// (the data's own range by default), or `(H, W, 3)` / `(H, W, 4)` colour, floats in [0, 1]
    /// (clipped) or uint8. matplotlib: `ax.imshow(img, cmap=, vmin=, vmax=)`.
    public func imshow(_ image: Tensor, cmap: String = "viridis", vmin: Double? = nil, vmax: Double? = nil) {
        self.image = Colormap.image(image, cmap: cmap, vmin: vmin, vmax: vmax)
    }

    /// The title above the plot. matplotlib: `ax.set_title`.
    public func title(_ text: String) { titleText = text }
    /// The label under the x axis. matplotlib: `ax.set_xlabel`.
    public func xlabel(_ text: String) { xLabelText = text }
    /// The label beside the y axis. matplotlib: `ax.set_ylabel`.
    public func ylabel(_ text: String) { yLabelText = text }
    /// Shows x from `low` to `high` instead of the data's range. matplotlib: `ax.set_xlim`.
    public func xlim(_ low: Double, _ high: Double) {
        check(low.isFinite && high.isFinite, "xlim: Axis limits cannot be NaN or Inf, got \(low), \(high)")
        xLimits = (low, high)
    }
    /// Shows y from `low` to `high`. matplotlib: `ax.set_ylim`.
    public func ylim(_ low: Double, _ high: Double) {
        check(low.isFinite && high.isFinite, "ylim: Axis limits cannot be NaN or Inf, got \(low), \(high)")
        yLimits = (low, high)
    }
    /// The x axis's scale; on `.log`, values ≤ 0 are not drawn. matplotlib: `ax.set_xscale('log')`.
    public func xscale(_ scale: AxisScale) { xScale = scale }
    /// The y axis's scale. matplotlib: `ax.set_yscale('log')`.
    public func yscale(_ scale: AxisScale) { yScale = scale }
    /// Ticks at `values` on the x axis instead of the automatic ones. matplotlib: `ax.set_xticks`.
    public func xticks(_ values: [Double]) { xTicks = values }
    /// Ticks at `values` on the y axis. matplotlib: `ax.set_yticks`.
    public func yticks(_ values: [Double]) { yTicks = values }
    /// Grid lines at the ticks. matplotlib: `ax.grid()`.
    public func grid(_ visible: Bool = true) { showsGrid = visible }
    /// A legend of the labelled curves, at `loc` (by default where it covers the fewest
    /// points). matplotlib: `ax.legend(loc=)`.
    public func legend(loc: LegendLocation = .best) { legendLocation = loc }
    /// `"off"` hides the axes' frame, ticks and labels (images with titles only), `"on"` shows
    /// them. matplotlib: `ax.axis('off')`.
    public func axis(_ mode: String) {
        check(mode == "on" || mode == "off", "axis: expected 'on' or 'off', got '\(mode)'")
        showsAxes = mode == "on"
    }
}
