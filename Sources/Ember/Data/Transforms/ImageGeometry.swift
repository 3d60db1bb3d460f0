/// Image resampling and cropping on `[..., H, W]` tensors, shared by the geometric transforms.
/// torchvision: `transforms.functional.resize`, `crop`, `pad`.
enum ImageGeometry {
    /// Height and width.
    static func size(_ image: Tensor) -> (h: Int, w: Int) {
        check(image.dim >= 2, "Unexpected number of dimensions \(image.dim); expected an image of shape [..., H, W]")
        return (image.shape[image.dim - 2], image.shape[image.dim - 1])
    }

    /// Bilinear resize to `h` × `w` (pixel centers aligned, no antialiasing); uint8 images are
    /// resampled in float32 and rounded back. torchvision: `F.resize(img, [h, w], antialias=False)`.
    static func resize(_ image: Tensor, _ h: Int, _ w: Int) -> Tensor {
        let (ih, iw) = size(image)
        if ih == h && iw == w { return image }
        let lead = Array(image.shape.dropLast(2))
        let x = image.dtype.isFloatingPoint ? image : image.to(.float32)
        var out = F.interpolate(x.reshape([-1, 1, ih, iw]), size: [h, w], mode: "bilinear", alignCorners: false)
            .reshape(lead + [h, w])
        if !image.dtype.isFloatingPoint { out = out.round().to(image.dtype) }
        return out
    }

    /// Pads by `left`, `top`, `right`, `bottom` pixels; `mode` is torchvision's `"constant"`
    /// (filled with `fill`), `"edge"` or `"reflect"`. torchvision: `F.pad`.
    static func pad(_ image: Tensor, left: Int, top: Int, right: Int, bottom: Int,
                    fill: Double = 0, mode: String = "constant") -> Tensor {
        check(["constant", "edge", "reflect"].contains(mode),
              "Padding mode should be either constant, edge or reflect; got \(mode)")
        if left == 0 && top == 0 && right == 0 && bottom == 0 { return image }
        let amounts = [left, right, top, bottom]
        if mode == "constant" { return F.pad(image, amounts, value: fill) }
        // F.pad's reflect and replicate modes want a channel dimension.
        let x = image.dim == 2 ? image.unsqueeze(0) : image
        let out = F.pad(x, amounts, mode: mode == "edge" ? "replicate" : "reflect")
        return image.dim == 2 ? out.squeeze(0) : out
    }

    /// The `h` × `w` region whose top-left corner is (`top`, `left`); parts outside the image are
    /// zeros. torchvision: `F.crop`.
    static func crop(_ image: Tensor, top: Int, left: Int, h: Int, w: Int) -> Tensor {
        let (ih, iw) = size(image)
        let padded = pad(image, left: max(-left, 0), top: max(-top, 0),
                         right: max(left + w - iw, 0), bottom: max(top + h - ih, 0))
        let d = image.dim
        return padded.narrow(d - 2, max(top, 0), h).narrow(d - 1, max(left, 0), w)
    }
}

/// Resizes bilinearly: to `size` = `[h, w]` exactly, or, given one integer, so that the smaller
/// edge becomes `size` and the aspect ratio is kept. Works on `[..., H, W]` float or uint8
/// tensors. torchvision: `transforms.Resize(size, antialias=False)` (the same as torchvision's
/// default when enlarging, as in the textbook's `Resize((32, 32))` of 28×28 images).
public struct Resize: Transform {
    /// The output size, or the smaller edge's.
    public let size: IntOrTuple

    /// Resizes to `size`: one integer for the smaller edge, two for `[h, w]`.
    public init(_ size: IntOrTuple) {
        check(size.values.count == 1 || size.values.count == 2, "If size is a sequence, it should have 1 or 2 values")
        check(size.values.allSatisfy { $0 > 0 }, "Resize: size must be positive, got \(size)")
        self.size = size
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let (h, w) = ImageGeometry.size(input)
        if size.values.count == 2 { return ImageGeometry.resize(input, size.values[0], size.values[1]) }
        let short = min(h, w), long = max(h, w), target = size.values[0]
        let newLong = Int(Double(target) * Double(long) / Double(short))
        return h <= w ? ImageGeometry.resize(input, target, newLong) : ImageGeometry.resize(input, newLong, target)
    }
}

/// The central `size` region (one integer for a square), padded with zeros first when the image
/// is smaller. torchvision: `transforms.CenterCrop`.
public struct CenterCrop: Transform {
    /// The crop's height and width.
    public let size: (h: Int, w: Int)

    /// Crops to `size`: one integer for a square, or `[h, w]`.
    public init(_ size: IntOrTuple) {
        check(size.values.count == 1 || size.values.count == 2, "Please provide only two dimensions (h, w) for size.")
        let hw = size.values.count == 1 ? [size.values[0], size.values[0]] : size.values
        check(hw.allSatisfy { $0 > 0 }, "CenterCrop: size must be positive, got \(size)")
        self.size = (hw[0], hw[1])
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        var (h, w) = ImageGeometry.size(x)
        if size.h > h || size.w > w {
            let dw = max(size.w - w, 0), dh = max(size.h - h, 0)
            x = ImageGeometry.pad(x, left: dw / 2, top: dh / 2, right: (dw + 1) / 2, bottom: (dh + 1) / 2)
            (h, w) = ImageGeometry.size(x)
        }
        // Python's round (half to even) of the centered offsets, as torchvision computes them.
        let top = Int((Double(h - size.h) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(w - size.w) / 2).rounded(.toNearestOrEven))
        return ImageGeometry.crop(x, top: top, left: left, h: size.h, w: size.w)
    }
}
