import Foundation

/// One axis of a plot: the data range it shows, on a linear or log scale, and its ticks, chosen
/// as matplotlib's default locators choose them.
struct AxisView {
    /// The values at the axis's start and end (`lower` < `upper`).
    let lower: Double, upper: Double
    let scale: AxisScale

    /// A tick: its value and label (`base` with an optional superscript `exponent`, as `10⁻³`).
    struct Tick {
        let value: Double
        let base: String
        var exponent: String? = nil
    }

    /// Whether a value can be placed on an axis of `scale`: finite (NaN and infinities leave
    /// gaps, as a diverging loss does) and, on a log scale, positive. Beyond ±10³⁰⁰ (and below
    /// 10⁻³⁰⁰ on a log scale) values are left out too, so that the axis's arithmetic stays finite.
    static func isDrawable(_ value: Double, _ scale: AxisScale) -> Bool {
        value.isFinite && Swift.abs(value) <= 1e300 && (scale == .linear || value >= 1e-300)
    }

    /// An axis showing `limits` if given, or else `values` with matplotlib's 5% margins on each
    /// side (in log space on a log scale). As matplotlib does, equal limits are spread apart and,
    /// on a log scale, a limit that is not positive is replaced by the data's.
    init(values: [Double], limits: (Double, Double)?, scale: AxisScale) {
        self.scale = scale
        // Work in log space on a log scale, where the exponents are within ±300.
        func scaled(_ v: Double) -> Double { scale == .log ? log10(v) : v }
        let drawable = values.filter { Self.isDrawable($0, scale) }.map(scaled)
        var low = drawable.min() ?? 0, high = drawable.max() ?? 1
        let fromData = limits == nil
        if let limits {
            let (a, b) = limits.0 <= limits.1 ? limits : (limits.1, limits.0)
            if Self.isDrawable(a, scale) { low = scaled(a) }
            if Self.isDrawable(b, scale) { high = scaled(b) }
            if low > high { (low, high) = (high, low) }
        }
        if high - low <= 1e-12 * Swift.max(Swift.abs(low), 1) {
            let spread = scale == .log ? 1 : (low == 0 ? 1 : Swift.abs(low) * 0.05)
            (low, high) = (low - spread, high + spread)
        }
        if fromData {
            let margin = 0.05 * (high - low)
            (low, high) = (low - margin, high + margin)
        }
        // Margins may take a log axis past what a Double holds: keep it within 10^±305.
        (lower, upper) = scale == .log ? (pow(10, Swift.max(low, -305)), pow(10, Swift.min(high, 305))) : (low, high)
    }

    /// How far along the axis `value` is: 0 at `lower`, 1 at `upper`.
    func fraction(_ value: Double) -> Double {
        scale == .log ? (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) : (value - lower) / (upper - lower)
    }

    /// At most `maxCount` + 1 ticks inside the axis: steps of 1, 2, 2.5 or 5 × 10ⁿ (matplotlib's
    /// `MaxNLocator`), or whole decades on a log scale; or the `fixed` ones inside it.
    func ticks(maxCount: Int, fixed: [Double]? = nil) -> [Tick] {
        if let fixed {
            let inside = fixed.filter { fraction($0) >= -1e-9 && fraction($0) <= 1 + 1e-9 }.sorted()
            let steps = zip(inside, inside.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }
            // A lone tick is labelled by its own size (a lone 0 as "0").
            let lone = Swift.abs(inside.first ?? 1)
            return labelled(inside, step: steps.min() ?? (lone > 0 ? lone : 1))
        }
        if scale == .log, let decades = decadeTicks(maxCount: maxCount) { return decades }
        let span = upper - lower, raw = span / Double(Swift.max(maxCount, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * magnitude
        let first = ceil(lower / step - 1e-9), last = floor(upper / step + 1e-9)
        // A span too small for the values' precision has no ticks (the count is then bounded).
        guard step > 0, first.isFinite, last.isFinite, first <= last, last - first <= 100 else { return [] }
        return labelled((0...Int(last - first)).map { (first + Double($0)) * step }, step: step)
    }

    /// Ticks at `values`, labelled with as many decimals as a spacing of `step` needs; values of
    /// a million and more, or under 10⁻⁴, in scientific notation with as many significant digits
    /// as tell the ticks apart.
    private func labelled(_ values: [Double], step: Double) -> [Tick] {
        let biggest = values.map(Swift.abs).max() ?? 0
        let digits = -floor(log10(step) + 1e-9)
        let leftover = step * pow(10, digits)  // 1 ..< 10: 2.5 needs one more decimal
        let extra = Swift.abs(leftover - leftover.rounded()) > 1e-6 ? 1 : 0
        let decimals = Swift.min(Swift.max(0, Int(digits) + extra), 17)
        let scientific = biggest >= 1e6 || (biggest > 0 && biggest < 1e-4)
        let significant = Swift.min(Swift.max(1, Int(floor(log10(Swift.max(biggest, step))) + digits) + 1 + extra), 17)
        return values.map { v in
            let v = Swift.abs(v) < step * 1e-9 ? 0 : v
            let text = scientific ? String(format: "%.\(significant)g", v) : String(format: "%.\(decimals)f", v)
            // matplotlib writes negative numbers with a true minus sign.
            return Tick(value: v, base: text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text)
        }
    }

    /// Ticks at whole decades (every k-th when there are many), labelled `10` with the exponent
    /// raised; nil when the axis spans less than two decade marks.
    private func decadeTicks(maxCount: Int) -> [Tick]? {
        let first = Int(ceil(log10(lower) - 1e-9)), last = Int(floor(log10(upper) + 1e-9))
        guard last - first >= 1 else { return nil }
        let every = Swift.max(1, (last - first + maxCount) / (maxCount + 1))
        return stride(from: first, through: last, by: every).map { e in
            Tick(value: pow(10, Double(e)), base: "10", exponent: e < 0 ? "\u{2212}\(-e)" : "\(e)")
        }
    }
}
