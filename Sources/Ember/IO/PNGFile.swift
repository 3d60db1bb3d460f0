import CPNG
import Foundation

/// Why a PNG file could not be read: the file and libpng's reason.
public struct PNGError: Error, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What is wrong with it.
    public let reason: String
    public var description: String { "PNG file '\(path)': \(reason)" }
}

/// Reading PNG images through libpng's simplified API.
public enum PNGFile {
    /// The image at `path` as a uint8 tensor `(H, W, C)`, converted to `channels` (1 gray, 3 RGB,
    /// 4 RGBA) whatever the file stores; an alpha channel not asked for is dropped, not blended,
    /// as Pillow's `convert("RGB")` does. A missing, truncated or corrupted file throws
    /// `PNGError`. PyTorch: `torchvision.io.read_image` (which returns `(C, H, W)`; see `ToTensor`).
    public static func read(_ path: String, channels: Int = 3) throws(PNGError) -> Tensor {
        check([1, 3, 4].contains(channels), "PNGFile.read: channels must be 1, 3 or 4, got \(channels)")
        guard FileManager.default.fileExists(atPath: path) else { throw PNGError(path: path, reason: "no such file") }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_file(&image, path) != 0 else { throw PNGError(path: path, reason: message(&image)) }
        // Always read with alpha: converting to a format without it, libpng would composite
        // onto whatever the output buffer holds.
        let stored = channels == 1 ? 2 : 4
        image.format = UInt32(channels == 1 ? PNG_FORMAT_FLAG_ALPHA : PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        let (h, w) = (Int(image.height), Int(image.width))
        let out = Tensor(uninitializedShape: [h, w, stored], dtype: .uint8)
        guard png_image_finish_read(&image, nil, out.pointer, Int32(w * stored), nil) != 0 else {
            throw PNGError(path: path, reason: message(&image))
        }
        return channels == stored ? out : out.narrow(2, 0, channels).contiguous()
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
