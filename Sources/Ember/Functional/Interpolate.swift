import Foundation

extension F {
    /// Resizes the spatial dims of `(N, C, L)`, `(N, C, H, W)` or `(N, C, D, H, W)` input to
    /// `size`, or to `floor(in · scaleFactor)` (one value for every dim, or one per dim). `mode`:
    /// `"nearest"` (source index `floor(dst · in / out)`, or `floor(dst / scaleFactor)` when a
    /// scale is given; any rank), `"linear"` (3-D), `"bilinear"` and `"bicubic"` (4-D),
    /// `"trilinear"` (5-D) — pixel centers aligned unless `alignCorners`, in which case the corner
    /// pixels are — or `"area"` (adaptive average pooling; any rank).
    /// PyTorch: `torch.nn.functional.interpolate`.
    public static func interpolate(_ input: Tensor, size: [Int]? = nil, scaleFactor: [Double]? = nil,
                                   mode: String = "nearest", alignCorners: Bool? = nil) -> Tensor {
        check(size == nil || scaleFactor == nil, "only one of size or scale_factor should be defined")
        check(size != nil || scaleFactor != nil, "either size or scale_factor should be defined")
        let interpolating = ["linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5]
        check(interpolating[mode] != nil || mode == "nearest" || mode == "area",
              "interpolate: mode \(mode) is not supported; expected nearest, linear, bilinear, bicubic, trilinear or area")
        check(interpolating[mode] != nil || alignCorners == nil,
              "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        check(input.dim >= 3 && input.dim <= 5,
              "Input Error: Only 3D, 4D and 5D input Tensors supported (got \(input.dim)D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got \(mode))")
        if let rank = interpolating[mode] { check(input.dim == rank, "Got \(input.dim)D input, but \(mode) mode needs \(rank)D input") }
        let spatial = Array(input.shape[2...]), k = spatial.count
        func perDim<T>(_ values: [T], _ name: String) -> [T] {
            check(values.count == 1 || values.count == k,
                  "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of \(shapeString(spatial)) and output \(name) of \(values.count) values. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            return values.count == 1 ? Array(repeating: values[0], count: k) : values
        }
        let scales: [Double?] = scaleFactor.map { perDim($0, "scale_factor").map { Optional($0) } } ?? Array(repeating: nil, count: k)
        let outSize = size.map { perDim($0, "size") }
            ?? zip(spatial, scales).map { Int((Double($0) * $1!).rounded(.down)) }
        check(spatial.allSatisfy { $0 > 0 } && outSize.allSatisfy { $0 > 0 },
              "Input and output sizes should be greater than 0, but got input \(shapeString(spatial)) output \(shapeString(outSize))")
        let corners = alignCorners ?? false
        switch mode {
        case "bilinear":
            checkFloating(input, "upsample_bilinear2d_out_frame")
            return bilinear(input, to: outSize, scales, alignCorners: corners)
        case "linear":
            checkFloating(input, "upsample_linear1d_out_frame")
            return bilinear(input.unsqueeze(2), to: [1, outSize[0]], [nil, scales[0]], alignCorners: corners).squeeze(2)
        case "trilinear":
            checkFloating(input, "upsample_trilinear3d_out_frame")
            // Linear interpolation is separable: the planes of each depth slice, then along depth
            // (a bilinear resize whose second axis, the flattened plane, keeps its size).
            let (n, c) = (input.shape[0], input.shape[1])
            let planes = bilinear(input.reshape([n, c * spatial[0], spatial[1], spatial[2]]), to: [outSize[1], outSize[2]],
                                  [scales[1], scales[2]], alignCorners: corners)
            let area = outSize[1] * outSize[2]
            let depth = bilinear(planes.reshape([n, c, spatial[0], area]), to: [outSize[0], area], [scales[0], nil],
                                 alignCorners: corners)
            return depth.reshape([n, c] + outSize)
        case "bicubic":
            checkFloating(input, "upsample_bicubic2d_out_frame")
            var out = input
            for d in 0..<2 { out = cubicAxis(out, dim: 2 + d, from: spatial[d], to: outSize[d], scales[d], alignCorners: corners) }
            return out
        case "area":
            switch k {
            case 1: return adaptiveAvgPool1d(input, outputSize: outSize[0])
            case 2: return adaptiveAvgPool2d(input, outputSize: outSize.map { Optional($0) })
            default: return adaptiveAvgPool3d(input, outputSize: outSize)
            }
        default:
            var out = input
            for d in 0..<k { out = out.indexSelect(2 + d, nearestSources(spatial[d], outSize[d], scales[d])) }
            return out
        }
    }

    /// Cubic convolution (Keys, A = -0.75, PyTorch's) along `dim` from `n` to `m` positions: four
    /// taps at the clamped indices around each source position, weighted.
    private static func cubicAxis(_ x: Tensor, dim d: Int, from n: Int, to m: Int, _ scale: Double?, alignCorners: Bool) -> Tensor {
        // The taps and weights, computed as PyTorch does in the input's own precision (float for
        // float32, double for float64).
        func taps<T: BinaryFloatingPoint>(_: T.Type) -> (indices: [[Int]], weights: [[Double]]) {
            let a = T(-0.75)
            func near(_ t: T) -> T { ((a + 2) * t - (a + 3)) * t * t + 1 }
            func far(_ t: T) -> T { ((a * t - 5 * a) * t + 8 * a) * t - 4 * a }
            var indices = Array(repeating: [Int](), count: 4), weights = Array(repeating: [Double](), count: 4)
            for i in 0..<m {
                // The source position, unclamped (PyTorch's cubic rule).
                let source: T = alignCorners ? (m > 1 ? T(i) * T(n - 1) / T(m - 1) : 0)
                                             : T(sourceScale(n, m, scale)) * (T(i) + T(0.5)) - T(0.5)
                let base = source.rounded(.down), t = source - base
                let w = [far(t + 1), near(t), near(1 - t), far(2 - t)]
                for tap in 0..<4 {
                    indices[tap].append(Swift.min(Swift.max(Int(base) - 1 + tap, 0), n - 1))
                    weights[tap].append(Double(w[tap]))
                }
            }
            return (indices, weights)
        }
        let (indices, weights) = x.dtype == .float64 ? taps(Double.self) : taps(Float.self)
        var shape = Array(repeating: 1, count: x.dim)
        shape[d] = m
        var out: Tensor? = nil
        for tap in 0..<4 {
            let picked = x.indexSelect(d, Tensor(indices[tap], shape: [m], dtype: .int64))
            let term = picked * Tensor(weights[tap], shape: shape, dtype: x.dtype)
            out = out.map { $0 + term } ?? term
        }
        return out!
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

    /// Bilinear resize of the last two dims to `size` in one pass; records
    /// `UpsampleBilinear2DBackward0`, whose gradient is the kernel's adjoint.
    private static func bilinear(_ input: Tensor, to size: [Int], _ scales: [Double?], alignCorners: Bool) -> Tensor {
        let spatial = Array(input.shape.suffix(2))
        let out = bilinearPass(input, from: spatial, to: size, scales, alignCorners: alignCorners, adjoint: false)
        return out.recording("UpsampleBilinear2DBackward0", [input]) { g, _ in
            [bilinearGradient(g, from: spatial, to: size, scales, alignCorners: alignCorners)]
        }
    }

    /// The input's gradient: `grad` (shaped like the output) spread back over `spatial`; its own
    /// gradient is the forward resize again, so double backward works.
    private static func bilinearGradient(_ grad: Tensor, from spatial: [Int], to size: [Int], _ scales: [Double?],
                                         alignCorners: Bool) -> Tensor {
        let gradInput = bilinearPass(grad, from: spatial, to: size, scales, alignCorners: alignCorners, adjoint: true)
        return gradInput.recording("UpsampleBilinear2DBackwardBackward0", [grad]) { gg, _ in
            [bilinearPass(gg, from: spatial, to: size, scales, alignCorners: alignCorners, adjoint: false)]
        }
    }

    /// The resize from `spatial` to `size` (or, as `adjoint`, its transpose from `size` back to
    /// `spatial`) over every plane of `x`, in `x`'s dtype, computed in its compute type.
    private static func bilinearPass(_ x: Tensor, from spatial: [Int], to size: [Int], _ scales: [Double?],
                                     alignCorners: Bool, adjoint: Bool) -> Tensor {
        let ct = x.dtype.computeType, src = x.converted(ct).contiguousRaw()
        let lead = Array(x.shape.dropLast(2)), planes = lead.reduce(1, *)
        let out = Tensor(uninitializedShape: lead + (adjoint ? spatial : size), dtype: ct)
        func run<T: BinaryFloatingPoint>(_: T.Type) {
            let geo = BilinearGeometry<T>(
                planes: planes, height: spatial[0], width: spatial[1],
                rows: LinearTaps(input: spatial[0], output: size[0], scale: scales[0], alignCorners: alignCorners),
                cols: LinearTaps(input: spatial[1], output: size[1], scale: scales[1], alignCorners: alignCorners))
            let from = UnsafePointer(src.pointer(as: T.self)), to = out.pointer(as: T.self)
            if adjoint { bilinearAdjointKernel(from, geo, to) } else { bilinearKernel(from, geo, to) }
        }
        if ct == .float32 { run(Float.self) } else { run(Double.self) }
        return out.converted(x.dtype)
    }
}
