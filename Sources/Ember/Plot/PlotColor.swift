/// A colour for plots, given as matplotlib accepts one: a hex string (`"#1f77b4"`, `"#1f77b480"`),
/// a single-letter code (`"r"`, `"k"`), a name (`"red"`, `"orange"`) or a cycle entry
/// (`"C0"` … `"C9"`, matplotlib's tab10 palette, which `Axes.plot` takes in turn).
public struct PlotColor: Sendable, Equatable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// Red, green, blue and alpha, each in [0, 1].
    public var red, green, blue, alpha: Double

    /// A colour from its components in [0, 1].
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
    }

    /// A colour from matplotlib's notation; stops naming the string if it is none of them.
    public init(_ spec: String) {
        let key = spec.lowercased()
        if let hex = Self.named[key] ?? (key.hasPrefix("#") ? key : nil), let color = Self.parseHex(hex) {
            self = color
        } else if key.count == 2, key.hasPrefix("c"), let i = Int(key.dropFirst()) {
            self = Self.cycle[i]
        } else {
            fatalError("PlotColor: '\(spec)' is not a colour: use '#rrggbb', a name such as 'red', a letter such as 'r', or 'C0'...'C9'")
        }
    }

    /// The colour `value` names, as `init(_:)` reads it: `let c: PlotColor = "C1"`.
    public init(stringLiteral value: String) { self.init(value) }

    /// The colour with its alpha multiplied by `alpha`.
    public func withAlpha(_ alpha: Double) -> PlotColor {
        PlotColor(red: red, green: green, blue: blue, alpha: self.alpha * alpha)
    }

    /// `#rrggbb` (the alpha is kept apart in SVG's `*-opacity` attributes).
    public var description: String {
        func byte(_ v: Double) -> String {
            let s = String(Int((max(0, min(1, v)) * 255).rounded()), radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    /// matplotlib's default colour cycle (`tab10`), `C0` first.
    public static let cycle: [PlotColor] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    private static func parseHex(_ hex: String) -> PlotColor? {
        let digits = hex.dropFirst()
        guard digits.count == 6 || digits.count == 8, let v = UInt32(digits, radix: 16) else { return nil }
        let value = digits.count == 6 ? v << 8 | 0xff : v
        func part(_ shift: UInt32) -> Double { Double((value >> shift) & 0xff) / 255 }
        return PlotColor(red: part(24), green: part(16), blue: part(8), alpha: part(0))
    }

    /// matplotlib's single-letter codes and the CSS names the notes and the book use.
    private static let named: [String: String] = [
        "b": "#0000ff", "g": "#008000", "r": "#ff0000", "c": "#00bfbf", "m": "#bf00bf", "y": "#bfbf00",
        "k": "#000000", "w": "#ffffff",
        "blue": "#0000ff", "green": "#008000", "red": "#ff0000", "cyan": "#00ffff", "magenta": "#ff00ff",
        "yellow": "#ffff00", "black": "#000000", "white": "#ffffff", "orange": "#ffa500", "purple": "#800080",
        "gray": "#808080", "grey": "#808080", "brown": "#a52a2a", "pink": "#ffc0cb", "olive": "#808000",
        "navy": "#000080", "teal": "#008080", "lightgray": "#d3d3d3", "darkgray": "#a9a9a9",
    ]
}
