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
        if mode == "bilinear" {
            checkFloating(input, "upsample_bilinear2d_out_frame")
            return bilinear(input, to: outSize, scales, alignCorners: alignCorners ?? false)
        }
        var out = input
        for k in 0..<2 { out = out.indexSelect(2 + k, nearestSources(spatial[k], outSize[k], scales[k])) }
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
