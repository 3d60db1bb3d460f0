extension F {
    /// Pads `input` by `pad = [left, right, top, bottom, front, back]`, starting from the last dim
    /// (each pair pads one dim, working toward the front). `mode` is `"constant"` (filled with
    /// `value`; negative amounts crop), `"reflect"` (mirrored without repeating the edge),
    /// `"replicate"` (the edge repeated) or `"circular"` (wrapped around); the last three pad the
    /// last 1, 2 or 3 dims of batched or unbatched input. PyTorch: `torch.nn.functional.pad`.
    public static func pad(_ input: Tensor, _ pad: [Int], mode: String = "constant", value: Double = 0) -> Tensor {
        check(pad.count % 2 == 0, "Padding length must be divisible by 2")
        check(pad.count <= input.dim * 2,
              "Padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(input.dim)")
        let pairs = pad.count / 2
        if mode == "constant" {
            var out = input
            for k in 0..<pairs { out = constantPad(out, dim: input.dim - 1 - k, pad[2 * k], pad[2 * k + 1], value) }
            return out
        }
        check(["reflect", "replicate", "circular"].contains(mode),
              "Unrecognised padding mode \(mode)")
        check(value == 0, "Padding mode \"\(mode)\" doesn't take in value argument")
        check(pairs >= 1 && pairs <= 3 && (input.dim == pairs + 1 || input.dim == pairs + 2),
              "Padding size \(pad.count) is not supported for \(input.dim)D input tensor.")
        var out = input
        for k in 0..<pairs {
            let d = input.dim - 1 - k, n = input.shape[d]
            let left = pad[2 * k], right = pad[2 * k + 1]
            check(left >= 0 && right >= 0, "\(mode) padding: negative padding is not supported, got (\(left), \(right))")
            if mode == "reflect" {
                check(left < n && right < n,
                      "Argument #\(2 * k + 4): Padding size should be less than the corresponding input dimension, but got: padding (\(left), \(right)) at dimension \(d) of input \(shapeString(input.shape))")
            }
            if mode == "circular" {
                check(left <= n && right <= n,
                      "Padding value causes wrapping around more than once.")
            }
            let sources = (-left..<(n + right)).map { i -> Int in
                switch mode {
                case "reflect": return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i)
                case "replicate": return Swift.min(Swift.max(i, 0), n - 1)
                default: return (i % n + n) % n
                }
            }
            out = out.indexSelect(d, Tensor(sources, shape: [sources.count]))
        }
        return out
    }

    /// Grows (or crops, for negative amounts) dim `d` by `left` and `right` elements of `value`.
    private static func constantPad(_ x: Tensor, dim d: Int, _ left: Int, _ right: Int, _ value: Double) -> Tensor {
        var core = x
        let n = x.shape[d]
        if left < 0 || right < 0 {
            let start = Swift.max(-left, 0), end = n - Swift.max(-right, 0)
            check(end >= start,
                  "The input size \(n), plus negative padding \(left) and \(right) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.")
            core = x.narrow(d, start, end - start)
        }
        var parts: [Tensor] = []
        func block(_ size: Int) -> Tensor {
            var shape = x.shape
            shape[d] = size
            return Tensor.full(shape, value, dtype: x.dtype)
        }
        if left > 0 { parts.append(block(left)) }
        parts.append(core)
        if right > 0 { parts.append(block(right)) }
        return parts.count == 1 ? core : Tensor.cat(parts, dim: d)
    }
}
