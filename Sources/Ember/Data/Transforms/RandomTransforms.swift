import Foundation

/// Height and width from one integer (a square) or two.
private func heightWidth(_ size: IntOrTuple, _ owner: String) -> (h: Int, w: Int) {
    check(size.values.count == 1 || size.values.count == 2, "\(owner): size should be an int or a sequence of 2 ints, got \(size)")
    check(size.values.allSatisfy { $0 > 0 }, "\(owner): size must be positive, got \(size)")
    return size.values.count == 1 ? (size.values[0], size.values[0]) : (size.values[0], size.values[1])
}

/// A crop of `size` at a random position, after padding each border by `padding` (one value
/// for all four, two for left/right and top/bottom, or four for left, top, right, bottom) with
/// `fill` or by the `"edge"`/`"reflect"` `paddingMode`. With `padIfNeeded`, an image smaller than
/// `size` is padded up to it. torchvision: `transforms.RandomCrop`.
public struct RandomCrop: Transform {
    /// The crop's height and width.
    public let size: (h: Int, w: Int)
    /// Left, top, right, bottom.
    public let padding: [Int]
    /// Whether an image smaller than `size` is padded up to it.
    public let padIfNeeded: Bool
    /// The value of constant padding.
    public let fill: Double
    /// `"constant"`, `"edge"` or `"reflect"`.
    public let paddingMode: String
    /// The generator drawn from; the default generator when nil.
    public let generator: Generator?

    /// Crops `size` (one integer for a square) from the image padded by `padding`.
    public init(size: IntOrTuple, padding: IntOrTuple = 0, padIfNeeded: Bool = false, fill: Double = 0,
                paddingMode: String = "constant", generator: Generator? = nil) {
        check([1, 2, 4].contains(padding.values.count),
              "Padding must be an int or a 1, 2, or 4 element tuple, not a \(padding.values.count) element tuple")
        self.size = heightWidth(size, "RandomCrop")
        let p = padding.values
        self.padding = p.count == 1 ? [p[0], p[0], p[0], p[0]] : (p.count == 2 ? [p[0], p[1], p[0], p[1]] : p)
        self.padIfNeeded = padIfNeeded
        self.fill = fill
        self.paddingMode = paddingMode
        self.generator = generator
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = ImageGeometry.pad(input, left: padding[0], top: padding[1], right: padding[2], bottom: padding[3],
                                  fill: fill, mode: paddingMode)
        var (h, w) = ImageGeometry.size(x)
        if padIfNeeded && (w < size.w || h < size.h) {
            let dw = max(size.w - w, 0), dh = max(size.h - h, 0)
            x = ImageGeometry.pad(x, left: dw, top: dh, right: dw, bottom: dh, fill: fill, mode: paddingMode)
            (h, w) = ImageGeometry.size(x)
        }
        check(h >= size.h && w >= size.w,
              "Required crop size (\(size.h), \(size.w)) is larger than input image size (\(h), \(w))")
        if h == size.h && w == size.w { return x }
        let (top, left) = (generator ?? Generator.current).withLock { g in
            (Int(g.below(UInt64(h - size.h + 1))), Int(g.below(UInt64(w - size.w + 1))))
        }
        return ImageGeometry.crop(x, top: top, left: left, h: size.h, w: size.w)
    }
}

/// Mirrors the image left to right with probability `p`. torchvision: `transforms.RandomHorizontalFlip`.
public struct RandomHorizontalFlip: Transform {
    /// The probability of a flip.
    public let p: Double
    /// The generator drawn from; the default generator when nil.
    public let generator: Generator?

    /// Flips with probability `p`, drawing from `generator`.
    public init(p: Double = 0.5, generator: Generator? = nil) {
        self.p = p
        self.generator = generator
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let flip = (generator ?? Generator.current).withLock { $0.uniformFloat() } < Float(p)
        return flip ? input.flip(-1) : input
    }
}

/// A random region, with area a random fraction `scale` of the image's and aspect ratio
/// (width / height) log-uniform in `ratio`, resized bilinearly to `size`; after ten misses, the
/// central crop with the ratio clamped into range. torchvision: `transforms.RandomResizedCrop`
/// with `antialias=False`.
public struct RandomResizedCrop: Transform {
    /// The output's height and width.
    public let size: (h: Int, w: Int)
    /// The range of the crop's area as a fraction of the image's.
    public let scale: ClosedRange<Double>
    /// The range of the crop's width / height.
    public let ratio: ClosedRange<Double>
    /// The generator drawn from; the default generator when nil.
    public let generator: Generator?

    /// Crops and resizes to `size` (one integer for a square).
    public init(size: IntOrTuple, scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3),
                generator: Generator? = nil) {
        self.size = heightWidth(size, "RandomResizedCrop")
        self.scale = scale
        self.ratio = ratio
        self.generator = generator
    }

    /// The crop's top, left, height and width for an image of `height` × `width`.
    /// torchvision: `RandomResizedCrop.get_params`.
    func parameters(height: Int, width: Int) -> (top: Int, left: Int, h: Int, w: Int) {
        let area = Double(height * width)
        let logRatio = Double(log(Float(ratio.lowerBound)))...Double(log(Float(ratio.upperBound)))
        let drawn: (Int, Int, Int, Int)? = (generator ?? Generator.current).withLock { g in
            for _ in 0..<10 {
                let target = area * Double(g.uniformFloat(scale.lowerBound, scale.upperBound))
                let aspect = exp(Double(g.uniformFloat(logRatio.lowerBound, logRatio.upperBound)))
                let w = Int((target * aspect).squareRoot().rounded(.toNearestOrEven))
                let h = Int((target / aspect).squareRoot().rounded(.toNearestOrEven))
                if w > 0 && w <= width && h > 0 && h <= height {
                    return (Int(g.below(UInt64(height - h + 1))), Int(g.below(UInt64(width - w + 1))), h, w)
                }
            }
            return nil
        }
        if let (top, left, h, w) = drawn { return (top, left, h, w) }
        let inRatio = Double(width) / Double(height)
        var w = width, h = height
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return ((height - h) / 2, (width - w) / 2, h, w)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let (height, width) = ImageGeometry.size(input)
        let p = parameters(height: height, width: width)
        let crop = ImageGeometry.crop(input, top: p.top, left: p.left, h: p.h, w: p.w)
        return ImageGeometry.resize(crop, size.h, size.w)
    }
}
