/// A marker drawn at each data point, in matplotlib's codes: `"o"` circle, `"."` point, `"s"`
/// square, `"^"`/`"v"` triangles, `"D"` diamond, `"+"` plus, `"x"` cross, `""` none.
public enum Marker: String, Sendable, ExpressibleByStringLiteral {
    case none = "", circle = "o", point = ".", square = "s", triangleUp = "^", triangleDown = "v"
    case diamond = "D", plus = "+", cross = "x"

    /// The marker with code `value`; an unknown code stops with the list of codes.
    public init(stringLiteral value: String) {
        guard let marker = Marker(rawValue: value) else {
            fatalError("Marker: '\(value)' is not a marker: use one of 'o', '.', 's', '^', 'v', 'D', '+', 'x' or ''")
        }
        self = marker
    }

    /// Whether the marker is drawn with lines only (it has no inside to fill).
    var isStroked: Bool { self == .plus || self == .cross }
}

/// How a line is drawn, in matplotlib's codes: `"-"` solid, `"--"` dashed, `":"` dotted, `"-."`
/// dash-dot, `""` no line (markers only).
public enum LineStyle: String, Sendable, ExpressibleByStringLiteral {
    case solid = "-", dashed = "--", dotted = ":", dashDot = "-.", none = ""

    /// The line style with code `value`; an unknown code stops with the list of codes.
    public init(stringLiteral value: String) {
        guard let style = LineStyle(rawValue: value) else {
            fatalError("LineStyle: '\(value)' is not a line style: use '-', '--', ':', '-.' or ''")
        }
        self = style
    }

    /// Dash lengths in points for a line `width` points wide: matplotlib's scaled dash patterns.
    func dashes(width: Double) -> [Double] {
        switch self {
        case .solid, .none: []
        case .dashed: [3.7 * width, 1.6 * width]
        case .dotted: [1 * width, 1.65 * width]
        case .dashDot: [6.4 * width, 1.6 * width, 1 * width, 1.6 * width]
        }
    }
}

/// Where `Axes.legend` puts the legend, as matplotlib's `loc`: `.best` picks the corner or
/// side that covers the fewest data points.
public enum LegendLocation: String, Sendable, CaseIterable {
    case best, upperRight = "upper right", upperLeft = "upper left", lowerLeft = "lower left"
    case lowerRight = "lower right", right, centerLeft = "center left", centerRight = "center right"
    case lowerCenter = "lower center", upperCenter = "upper center", center
}

/// An axis scale: linear, or logarithmic in base 10 (matplotlib's `set_yscale('log')`).
public enum AxisScale: String, Sendable {
    case linear, log
}

/// matplotlib's default style, in points.
enum PlotStyle {
    static let fontSize = 10.0, titleSize = 12.0
    /// Baseline to baseline of the lines of a title, in font sizes (matplotlib's 1.2).
    static let lineSpacing = 1.2
    static let tickLength = 3.5, tickPad = 3.5, labelPad = 4.0, titlePad = 6.0
    static let spineWidth = 0.8, gridWidth = 0.8
    static let gridColor: PlotColor = "#b0b0b0"
    /// The exponent of a log tick label, relative to its base's size, and how far it is raised.
    static let exponentScale = 0.7, exponentRise = 0.45
}
