/// Converts an image to a float32 `[C, H, W]` tensor: uint8 values are divided by 255 into
/// [0, 1], other dtypes are converted unscaled, as torchvision does. A 2-D image `[H, W]` gains a
/// channel dimension; a 3-D image is taken as `[H, W, C]` (torchvision's numpy layout) when its
/// last dimension is 1, 3 or 4 and its first is not, and as `[C, H, W]` otherwise.
/// torchvision: `transforms.ToTensor`.
public struct ToTensor: Transform {
    /// The conversion.
    public init() {}

    public func callAsFunction(_ input: Tensor) -> Tensor {
        check(input.dim == 2 || input.dim == 3, "pic should be 2 or 3 dimensional. Got \(input.dim) dimensions.")
        let channels = [1, 3, 4]
        var x = input
        if x.dim == 2 {
            x = x.unsqueeze(0)
        } else if channels.contains(x.shape[2]) && !channels.contains(x.shape[0]) {
            x = x.permute(2, 0, 1)
        }
        return input.dtype == .uint8 ? unitFloats(x) : x.to(.float32).contiguous()
    }
}

/// uint8 pixels as float32 in [0, 1], `Float(v) / 255` as torchvision computes it, in one pass
/// (converting and dividing as two tensor ops doubles the memory traffic of a whole-split load).
/// Computed as the double product `v * (1 / 255)` rounded once to float, which equals the float
/// quotient for every byte (checked for all 256 in the tests) and vectorizes without a divide:
/// the float division was most of a 256-image batch's conversion.
func unitFloats(_ pixels: Tensor) -> Tensor {
    let x = pixels.contiguous()
    let out = Tensor(uninitializedShape: x.shape, dtype: .float32)
    let src = x.pointer(as: UInt8.self), dst = out.pointer(as: Float.self)
    parallelFor(x.numel) { range in
        for i in range { dst[i] = Float(Double(src[i]) * (1.0 / 255)) }
    }
    return out
}

/// `(input[c] - mean[c]) / std[c]` for each channel `c` of a `[..., C, H, W]` float tensor.
/// torchvision: `transforms.Normalize(mean, std)`.
public struct Normalize: Transform {
    /// Per-channel means (one value broadcasts over all channels).
    public let mean: [Double]
    /// Per-channel standard deviations, none zero.
    public let std: [Double]

    /// Normalizes with `mean` and `std`, one value per channel or one for all.
    public init(mean: [Double], std: [Double]) {
        check(!std.contains(0), "std evaluated to zero after conversion to torch.float32, leading to division by zero.")
        self.mean = mean
        self.std = std
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        check(input.dtype.isFloatingPoint, "Input tensor should be a float tensor. Got \(input.dtype).")
        check(input.dim >= 3,
              "Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = \(shapeString(input.shape))")
        let m = Tensor(mean, shape: [mean.count, 1, 1], dtype: input.dtype)
        let s = Tensor(std, shape: [std.count, 1, 1], dtype: input.dtype)
        return (input - m) / s
    }
}
