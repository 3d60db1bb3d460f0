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
        let bytes: [UInt8]
        do {
            bytes = try RegularFile(path).readAll(limit: maxFileSize)
        } catch {
            throw PNGError(path: path, reason: error.reason)
        }
        return try decode(bytes, path: path, channels: channels)
    }

    /// Larger files are refused before they are read.
    static let maxFileSize = 1 << 30
    /// Larger images are refused before their pixels are allocated: Pillow's limit, above which
    /// it raises `DecompressionBombError` (a few bytes of PNG can claim any size).
    public static let maxPixels = 178_956_970

    /// Decodes PNG file contents `bytes` (`path` names them in errors), as `read` does.
    static func decode(_ bytes: [UInt8], path: String, channels: Int) throws(PNGError) -> Tensor {
        // libpng keeps a pointer to the data from begin to finish: both run in one closure.
        try bytes.withUnsafeBytes { raw in decode(raw, path: path, channels: channels) }.get()
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, path: String, channels: Int) -> Result<Tensor, PNGError> {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard raw.starts(with: signature) else {
            return .failure(PNGError(path: path, reason: raw.isEmpty ? "the file is empty, not a PNG" : "not a PNG file (no PNG signature)"))
        }
        guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
            return .failure(PNGError(path: path, reason: "not a readable PNG: \(message(&image))"))
        }
        let (h, w) = (Int(image.height), Int(image.width))
        guard h * w <= maxPixels else {
            return .failure(PNGError(path: path, reason: "the image claims \(w) × \(h) pixels, above the limit of \(maxPixels)"))
        }
        // Always read with alpha: converting to a format without it, libpng would composite
        // onto whatever the output buffer holds.
        let stored = channels == 1 ? 2 : 4
        image.format = UInt32(channels == 1 ? PNG_FORMAT_FLAG_ALPHA : PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        let out = Tensor(uninitializedShape: [h, w, stored], dtype: .uint8)
        guard png_image_finish_read(&image, nil, out.pointer, Int32(w * stored), nil) != 0 else {
            return .failure(PNGError(path: path, reason: "damaged image data: \(message(&image))"))
        }
        return .success(channels == stored ? out : out.narrow(2, 0, channels).contiguous())
    }

    private static func message(_ image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        // libpng says "Read Error" when the data ends early.
        return text == "Read Error" ? "the file ends before the image does (truncated)" : text
    }
}

extension PNGFile {
    /// Writes a uint8 image `(H, W, 3)` (RGB), `(H, W, 4)` (RGBA) or `(H, W, 1)` (gray) to `path` as a PNG, atomically:
    /// a failed write leaves no file and keeps an existing one.
    public static func write(_ image: Tensor, to path: String) throws(PNGError) {
        check(image.dtype == .uint8 && image.dim == 3 && [1, 3, 4].contains(image.shape[2]),
              "PNGFile.write: expected a uint8 (H, W, 1), (H, W, 3) or (H, W, 4) image, got \(image.dtype) \(shapeString(image.shape))")
        let pixels = image.contiguous().toInts().map { UInt8($0) }
        let bytes = try encode(width: image.shape[1], height: image.shape[0], channels: image.shape[2], pixels, path: path)
        try AtomicFile.write(to: path, failure: { PNGError(path: path, reason: $0) }) { file throws(PNGError) in try file.write(bytes) }
    }

    /// An 8-bit PNG of `pixels` (row-major, `channels` 1 gray, 3 RGB or 4 RGBA), by libpng's
    /// simplified writer; a failure names `path` and gives libpng's reason.
    static func encode(width: Int, height: Int, channels: Int = 3, _ pixels: [UInt8],
                       path: String = "(in memory)") throws(PNGError) -> [UInt8] {
        precondition(pixels.count == width * height * channels && [1, 3, 4].contains(channels))
        // libpng takes the sizes as 32-bit numbers (and a PNG's are at most 2³¹ − 1).
        guard let rowBytes = Int32(exactly: width * channels), UInt32(exactly: height) != nil else {
            throw PNGError(path: path, reason: "an image of \(width) × \(height) pixels is too large for a PNG")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(channels == 1 ? 0 : channels == 3 ? PNG_FORMAT_FLAG_COLOR : PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        defer { png_image_free(&image) }
        var size = 0
        let stride = rowBytes
        // The first call only measures; the second writes.
        guard pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }) != 0 else {
            throw PNGError(path: path, reason: message(&image))
        }
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBytes { o in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, o.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard written != 0 else { throw PNGError(path: path, reason: message(&image)) }
        return Array(out.prefix(size))
    }
}
