import Foundation

extension F {
    /// Resizes the spatial dims of `(N, C, H, W)` input to `size`, or to `floor(H * scaleFactor)`
    /// by `floor(W * scaleFactor)` (one value for both dims, or one per dim). `mode` is
    /// `"nearest"` (source index `floor(dst * in / out)`, or `floor(dst / scaleFactor)` when a scale
    /// is given) or `"bilinear"` (pixel centers aligned unless `alignCorners`, in which case the
    /// corner pixels are). PyTorch: `torch.nn.functional.interpolate`.
    public static func interpolate(_ input: Tensor, size: [Int]? = nil, scaleFactor: [Double]? = nil,
                                   mode: String = "nearest", alignCorners: Bool? = nil) -> Tensor {
        check(size == nil || scaleFactor == nil, "only one of size or scale_factor should be defined")
        check(size != nil || scaleFactor != nil, "either size or scale_factor should be defined")
        check(mode == "nearest" || mode == "bilinear",
              "interpolate: mode \(mode) is not supported; expected nearest or bilinear")
        check(mode == "bilinear" || alignCorners == nil,
              "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        check(input.dim == 4, "Got \(input.dim)D input, but \(mode) mode needs 4D input")
        let spatial = Array(input.shape[2...])
        func perDim<T>(_ values: [T], _ name: String) -> [T] {
            check(values.count == 1 || values.count == 2,
                  "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of \(shapeString(spatial)) and output \(name) of \(values.count) values. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            return values.count == 1 ? [values[0], values[0]] : values
        }
        let scales: [Double?] = scaleFactor.map { perDim($0, "scale_factor").map { Optional($0) } } ?? [nil, nil]
        let outSize = size.map { perDim($0, "size") }
            ?? zip(spatial, scales).map { Int((Double($0) * $1!).rounded(.down)) }
        check(outSize.allSatisfy { $0 > 0 },
              "Input and output sizes should be greater than 0, but got input (H: \(spatial[0]), W: \(spatial[1])) output (H: \(outSize[0]), W: \(outSize[1]))")
        var out = input
        for k in 0..<2 {
            let d = 2 + k, n = spatial[k], m = outSize[k]
            if mode == "nearest" {
                out = out.indexSelect(d, nearestSources(n, m, scales[k]))
            } else {
                out = linearResample(out, dim: d, n, m, scales[k], alignCorners: alignCorners ?? false)
            }
        }
        return out
    }

    /// PyTorch's `compute_scales_value`: the reciprocal of a given scale factor, else `in / out`.
    private static func sourceScale(_ n: Int, _ m: Int, _ scale: Double?) -> Double {
        if let scale, scale > 0 { return 1 / scale }
        return Double(n) / Double(m)
    }

    /// Source index of each output position for nearest mode, in PyTorch's float32 arithmetic.
    private static func nearestSources(_ n: Int, _ m: Int, _ scale: Double?) -> Tensor {
        let s = Float(sourceScale(n, m, scale))
        let idx = (0..<m).map { i -> Int in
            if m == n { return i }
            if m == 2 * n { return i >> 1 }
            return Swift.min(Int((Float(i) * s).rounded(.down)), n - 1)
        }
        return Tensor(idx, shape: [m])
    }

    /// Linear interpolation along `dim` from `n` to `m` positions: a weighted sum of two index
    /// selections, differentiable through both. Source positions follow PyTorch's
    /// `area_pixel_compute_source_index`, negative ones clamped to 0.
    private static func linearResample(_ x: Tensor, dim d: Int, _ n: Int, _ m: Int, _ scale: Double?,
                                       alignCorners: Bool) -> Tensor {
        let s = alignCorners ? (m > 1 ? Double(n - 1) / Double(m - 1) : 0) : sourceScale(n, m, scale)
        var lo: [Int] = [], hi: [Int] = [], w: [Double] = []
        for i in 0..<m {
            let src = alignCorners ? s * Double(i) : Swift.max(s * (Double(i) + 0.5) - 0.5, 0)
            let i0 = Swift.min(Int(src), n - 1)
            lo.append(i0)
            hi.append(i0 < n - 1 ? i0 + 1 : i0)
            w.append(src - Double(i0))
        }
        var shape = [Int](repeating: 1, count: x.dim)
        shape[d] = m
        let w1 = Tensor(w, shape: shape, dtype: x.dtype)
        let a = x.indexSelect(d, Tensor(lo, shape: [m])), b = x.indexSelect(d, Tensor(hi, shape: [m]))
        return a * (1.0 - w1) + b * w1
    }
}
