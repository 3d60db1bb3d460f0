/// Images in a grid of `rows` rows, each with its title above it and no axes, `scale` inches per
/// image: the book's `show_images` (and `show_fashion_mnist`). `images` is a batch `(N, H, W)`,
/// `(N, 1, H, W)` or `(N, 3, H, W)`; gray images go through `cmap`, colour ones (floats in [0, 1]
/// or uint8) are shown as they are. Returns the figure to save with `savefig`.
///
/// ```swift
/// let titles = labels.toInts().prefix(10).map { FashionMNIST.classes[$0] }
/// try showImages(images.narrow(0, 0, 10), titles: titles).savefig("items.png")
/// ```
public func showImages(_ images: Tensor, titles: [String]? = nil, rows: Int = 1, scale: Double = 1.5,
                       cmap: String = "viridis") -> Figure {
    check(images.dim == 3 || (images.dim == 4 && [1, 3].contains(images.shape[1])),
          "showImages: expected a batch (N, H, W), (N, 1, H, W) or (N, 3, H, W), got \(shapeString(images.shape))")
    let count = images.shape[0]
    check(count > 0 && rows > 0, "showImages: need at least one image and one row, got \(count) images, \(rows) rows")
    check(titles == nil || titles!.count == count, "showImages: \(count) images but \(titles!.count) titles")
    let cols = (count + rows - 1) / rows
    let figure = Figure(size: (Double(cols) * scale, Double(rows) * scale))
    for i in 0..<count {
        let ax = figure.subplot(rows, cols, i + 1)
        var image = images[i]
        if image.dim == 3 { image = image.shape[0] == 1 ? image[0] : image.permute(1, 2, 0) }
        ax.imshow(image, cmap: cmap)
        ax.axis("off")
        if let titles { ax.title(titles[i]) }
    }
    figure.tightLayout()
    return figure
}
