/// Images laid out in a grid, as torchvision's `make_grid` lays them: `nrow` per row, `padding`
/// pixels between and around them filled with `padValue`. A batch `(B, C, H, W)`, one image
/// `(C, H, W)` or `(H, W)`; one-channel images become three. With `normalize`, values are shifted
/// and scaled to [0, 1] from `valueRange` (clamped to it), or from the batch's minimum and maximum
/// (each image's own with `scaleEach`). A single image comes back without padding.
/// PyTorch: `torchvision.utils.make_grid`.
public func makeGrid(_ tensor: Tensor, nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
                     valueRange: (Double, Double)? = nil, scaleEach: Bool = false, padValue: Double = 0) -> Tensor {
    check((2...4).contains(tensor.dim), "make_grid: expected a 2-D, 3-D or 4-D tensor, got \(tensor.dim)-D \(shapeString(tensor.shape))")
    check(nrow > 0 && padding >= 0, "make_grid: nrow must be positive and padding non-negative, got nrow=\(nrow), padding=\(padding)")
    return noGrad {
        var batch = tensor.dim == 2 ? tensor.unsqueeze(0) : tensor
        if batch.dim == 3 {
            if batch.shape[0] == 1 { batch = Tensor.cat([batch, batch, batch], dim: 0) }
            batch = batch.unsqueeze(0)
        }
        if batch.shape[1] == 1 { batch = Tensor.cat([batch, batch, batch], dim: 1) }
        if normalize {
            batch = batch.clone()
            func scale(_ t: Tensor) {
                let (low, high) = valueRange ?? (t.min().item(), t.max().item())
                t.clamp_(min: low, max: high).sub_(low).div_(Swift.max(high - low, 1e-5))
            }
            if scaleEach { for i in 0..<batch.shape[0] { scale(batch[i]) } } else { scale(batch) }
        }
        if batch.shape[0] == 1 { return batch.squeeze(0) }
        let count = batch.shape[0], columns = Swift.min(nrow, count), rows = (count + columns - 1) / columns
        let height = batch.shape[2] + padding, width = batch.shape[3] + padding
        let grid = Tensor.full([batch.shape[1], height * rows + padding, width * columns + padding], padValue, dtype: batch.dtype)
        for k in 0..<count {
            let (y, x) = (k / columns, k % columns)
            grid.narrow(1, y * height + padding, height - padding).narrow(2, x * width + padding, width - padding).copy_(batch[k])
        }
        return grid
    }
}

/// Writes a tensor as a PNG image, atomically: a float batch or image (values in [0, 1]) laid out
/// by `makeGrid` with the same options, or a uint8 image `(H, W, C)` (C 1, 3 or 4) / `(H, W)` as
/// it is. Values are scaled by 255, rounded and clamped as torchvision's `save_image` does; gray
/// float images are written as RGB, four-channel ones as RGBA. PyTorch: `torchvision.utils.save_image(tensor, path)`.
public func saveImage(_ tensor: Tensor, to path: String, nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
                      valueRange: (Double, Double)? = nil, scaleEach: Bool = false, padValue: Double = 0) throws(PNGError) {
    let pixels: Tensor = noGrad {
        if tensor.dtype == .uint8 {
            check(tensor.dim == 2 || (tensor.dim == 3 && [1, 3, 4].contains(tensor.shape[2])),
                  "save_image: a uint8 image must be (H, W) or (H, W, C) with C 1, 3 or 4, got \(shapeString(tensor.shape))")
            return tensor.dim == 2 ? tensor.unsqueeze(2) : tensor
        }
        check(tensor.dtype.isFloatingPoint, "save_image: expected a floating-point or uint8 tensor, got \(tensor.dtype)")
        let grid = makeGrid(tensor, nrow: nrow, padding: padding, normalize: normalize, valueRange: valueRange,
                            scaleEach: scaleEach, padValue: padValue)
        check([3, 4].contains(grid.shape[0]), "save_image: Ember writes RGB and RGBA images: expected 1, 3 or 4 channels, got \(grid.shape[0])")
        return (grid * 255.0 + 0.5).clamp(min: 0, max: 255).permute(1, 2, 0).to(.uint8)
    }
    try PNGFile.write(pixels, to: path)
}
