// Resizing as a layer.

/// Resizes the spatial dims of `(N, C, d1[, d2[, d3]])` inputs to `size`, or scales them by
/// `scaleFactor`, with `F.interpolate` (`mode`: `"nearest"`, `"linear"`, `"bilinear"`,
/// `"bicubic"`, `"trilinear"`, `"area"`). PyTorch: `torch.nn.Upsample` (without
/// `recompute_scale_factor`: a given scale is used as given, PyTorch's default).
public final class Upsample: Module {
    /// The output size, one value for every spatial dim or one per dim; nil when scaling.
    public let size: IntOrTuple?
    /// The scale, one value for every spatial dim or one per dim; nil when a size is given.
    public let scaleFactor: [Double]?
    public let mode: String
    public let alignCorners: Bool?
    /// Whether the scale was given as one number (it prints as `2.0`, else as `(2.0, 1.5)`).
    private let scaleIsScalar: Bool

    /// PyTorch: `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None)`.
    public init(size: IntOrTuple? = nil, scaleFactor: Double? = nil, mode: String = "nearest", alignCorners: Bool? = nil) {
        self.size = size
        // PyTorch keeps `float(scale_factor) if scale_factor else None`: a zero scale is none.
        self.scaleFactor = scaleFactor.flatMap { $0 == 0 ? nil : [$0] }
        (self.mode, self.alignCorners, scaleIsScalar) = (mode, alignCorners, true)
        super.init()
    }

    /// One scale per spatial dim. PyTorch: `nn.Upsample(scale_factor=(s1, s2, …), mode=…, align_corners=…)`.
    public init(scaleFactor: [Double], mode: String = "nearest", alignCorners: Bool? = nil) {
        (size, self.scaleFactor, self.mode, self.alignCorners, scaleIsScalar) = (nil, scaleFactor, mode, alignCorners, false)
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        F.interpolate(input, size: size?.values, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
    }

    /// `scale_factor=2.0, mode='nearest'` or `size=(3, 4), mode='bilinear'`, as PyTorch prints it.
    public override var extraRepr: String {
        let info: String
        if let scaleFactor {
            let values = scaleFactor.map { PyRepr.float($0) }
            info = "scale_factor=" + (scaleIsScalar ? values[0] : "(" + values.joined(separator: ", ") + (values.count == 1 ? ",)" : ")"))
        } else {
            info = "size=" + (size.map(\.description) ?? "None")
        }
        return info + ", mode='\(mode)'"
    }
}
