extension F {
    /// The sampling grid `(N, H, W, 2)` of the 2-D affine maps `theta` `(N, 2, 3)` over an output of
    /// `size` `(N, C, H, W)`, in normalized coordinates (−1 and 1 the image's edges, or the corner
    /// pixels' centers with `alignCorners`). PyTorch: `torch.nn.functional.affine_grid`.
    public static func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool = false) -> Tensor {
        check(theta.dtype.isFloatingPoint, "Expected theta to have floating point type, but got \(theta.dtype.castName)")
        check(size.count == 4, "affine_grid only supports 4D sizes, for 2D affine transformations. Got size \(shapeString(size)).")
        check(theta.dim == 3 && theta.shape[1] == 2 && theta.shape[2] == 3 && theta.shape[0] == size[0],
              "Expected a batch of 2D affine matrices of shape Nx2x3 for size \(shapeString(size)). Got \(shapeString(theta.shape)).")
        let (n, h, w) = (size[0], size[2], size[3])
        func axis(_ steps: Int) -> Tensor {
            let line = Tensor.linspace(-1, 1, steps: steps, dtype: theta.dtype)
            return alignCorners || steps <= 1 ? line : line * (Double(steps - 1) / Double(steps))
        }
        let xs = axis(w).reshape([1, w, 1]).expand([h, w, 1]), ys = axis(h).reshape([h, 1, 1]).expand([h, w, 1])
        let base = Tensor.cat([xs, ys, Tensor.ones([h, w, 1], dtype: theta.dtype)], dim: 2).reshape([1, h * w, 3])
        return base.expand([n, h * w, 3]).bmm(theta.mT).reshape([n, h, w, 2])
    }

    /// Samples `input` `(N, C, H, W)` at the normalized points of `grid` `(N, Ho, Wo, 2)` (x then y),
    /// `mode` `"bilinear"` or `"nearest"`, points outside read as zeros (`"zeros"`), the edge
    /// (`"border"`) or the mirrored image (`"reflection"`). Differentiable in `input` and `grid`.
    /// PyTorch: `torch.nn.functional.grid_sample`.
    public static func gridSample(_ input: Tensor, _ grid: Tensor, mode: String = "bilinear", paddingMode: String = "zeros",
                                  alignCorners: Bool = false) -> Tensor {
        check(mode == "bilinear" || mode == "nearest", "nn.functional.grid_sample(): expected mode to be 'bilinear' or 'nearest' (bicubic is not supported), but got: '\(mode)'")
        check(["zeros", "border", "reflection"].contains(paddingMode),
              "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '\(paddingMode)'")
        check(input.dim == 4 && grid.dim == 4 && grid.shape[3] == 2 && grid.shape[0] == input.shape[0],
              "grid_sampler(): expected 4D input and grid with same number of dimensions, but got input with sizes \(shapeString(input.shape)) and grid with sizes \(shapeString(grid.shape))")
        check(input.dtype == grid.dtype, "grid_sampler(): expected input and grid to have the same dtype, but input has \(input.dtype.castName) and grid has \(grid.dtype.castName)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (grid.shape[1], grid.shape[2])
        let x = sourceCoordinate(grid.select(3, 0), size: w, paddingMode: paddingMode, alignCorners: alignCorners)
        let y = sourceCoordinate(grid.select(3, 1), size: h, paddingMode: paddingMode, alignCorners: alignCorners)
        let planes = input.reshape([n, c, h * w])
        /// The input at integer points `(px, py)` (shaped like the grid), zero outside.
        func read(_ px: Tensor, _ py: Tensor) -> Tensor {
            // NaN points compare false, so they read as outside; their index is made finite first.
            let inside = (px .>= 0.0).logicalAnd(px .<= Double(w - 1)).logicalAnd(py .>= 0.0).logicalAnd(py .<= Double(h - 1))
            let (cx, cy) = noGrad { (px.nanToNum(nan: 0).clamp(min: 0, max: Double(w - 1)), py.nanToNum(nan: 0).clamp(min: 0, max: Double(h - 1))) }
            let flat = (cy * Double(w) + cx).to(.int64)
            let picked = planes.gather(2, flat.reshape([n, 1, ho * wo]).expand([n, c, ho * wo])).reshape([n, c, ho, wo])
            return Tensor.where(inside.unsqueeze(1), picked, Tensor.zeros([], dtype: input.dtype))
        }
        if mode == "nearest" { return read(noGrad { x.round() }, noGrad { y.round() }) }
        let x0 = noGrad { x.floor() }, y0 = noGrad { y.floor() }
        let (dx, dy) = ((x - x0).unsqueeze(1), (y - y0).unsqueeze(1))
        return read(x0, y0) * (1.0 - dx) * (1.0 - dy) + read(x0 + 1.0, y0) * dx * (1.0 - dy)
            + read(x0, y0 + 1.0) * (1.0 - dx) * dy + read(x0 + 1.0, y0 + 1.0) * dx * dy
    }

    /// Normalized coordinates to pixel coordinates, with the padding mode's clipping or reflection
    /// (PyTorch's `grid_sampler_compute_source_index`).
    private static func sourceCoordinate(_ coord: Tensor, size: Int, paddingMode: String, alignCorners: Bool) -> Tensor {
        var x = alignCorners ? (coord + 1.0) / 2.0 * Double(size - 1) : ((coord + 1.0) * Double(size) - 1.0) / 2.0
        let clip = { (t: Tensor) in t.clamp(min: 0, max: Double(size - 1)) }
        switch paddingMode {
        case "border": x = clip(x)
        case "reflection":
            let (low, high) = alignCorners ? (0.0, 2.0 * Double(size - 1)) : (-1.0, 2.0 * Double(size) - 1.0)
            if low == high { return Tensor.zerosLike(x) }
            let lowest = low / 2, span = (high - low) / 2
            let distance = (x - lowest).abs()
            let extra = distance.fmod(Tensor(span, dtype: x.dtype)), flips = noGrad { (distance / span).floor() }
            let even = noGrad { flips.remainder(Tensor(2.0, dtype: x.dtype)) .== 0.0 }
            x = clip(Tensor.where(even, extra + lowest, span - extra + lowest))
        default: break
        }
        return x
    }
}
