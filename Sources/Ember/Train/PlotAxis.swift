import Foundation

/// One axis of a chart: its range, rounded out to whole tick steps, and the ticks with their
/// labels.
struct PlotAxis {
    /// The value at the axis's start and end.
    let lower: Double, upper: Double
    /// The tick values, from `lower` to `upper`.
    let ticks: [Double]
    /// Digits after the decimal point in tick labels.
    private let decimals: Int

    /// An axis covering `values` with about `count` ticks at steps of 1, 2 or 5 × 10ⁿ;
    /// `integral` keeps steps whole (epochs).
    init(covering values: [Double], count: Int = 5, integral: Bool = false) {
        let drawable = values.filter(Self.isDrawable)
        var low = drawable.min() ?? 0, high = drawable.max() ?? 1
        if high - low < 1e-9 { (low, high) = (low - 0.5, high + 0.5) }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integral { step = max(step.rounded(), 1) }
        let start = floor(low / step + 1e-9) * step, end = ceil(high / step - 1e-9) * step
        (lower, upper) = (start, end)
        ticks = (0...Int(((end - start) / step).rounded())).map { start + Double($0) * step }
        decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    }

    /// Whether a value can be placed on an axis: finite, and small enough that ranges of such
    /// values are finite too (a diverging loss may be neither).
    static func isDrawable(_ value: Double) -> Bool { value.isFinite && Swift.abs(value) <= 1e300 }

    /// How far along the axis `value` is, 0 at `lower` and 1 at `upper`.
    func fraction(_ value: Double) -> Double { (value - lower) / (upper - lower) }

    /// The label for a tick, e.g. `0.85` or `10`.
    func label(_ tick: Double) -> String { String(format: "%.\(decimals)f", tick) }
}
