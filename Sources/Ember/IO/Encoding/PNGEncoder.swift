import CZlib

/// Encodes 8-bit RGB pixels as a PNG file: the signature, an `IHDR` chunk, one zlib-compressed
/// `IDAT` chunk of unfiltered scanlines, and `IEND`, each chunk closed by its CRC-32.
enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG bytes of a `width` × `height` image; `rgb` holds 3 bytes per pixel, row by row.
    static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(rgb.count == width * height * 3, "PNG: \(rgb.count) bytes for a \(width)x\(height) RGB image")
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8 bits per sample, RGB, deflate, no filter, no interlace
        // Each scanline starts with its filter type; 0 (none) keeps the encoder trivial and
        // flat plot backgrounds still compress well.
        var scanlines = [UInt8]()
        scanlines.reserveCapacity(height * (width * 3 + 1))
        for row in 0..<height {
            scanlines.append(0)
            scanlines += rgb[row * width * 3..<(row + 1) * width * 3]
        }
        return signature + chunk("IHDR", header) + chunk("IDAT", deflate(scanlines)) + chunk("IEND", [])
    }

    /// A chunk: data length, type, data, and the CRC-32 of type and data.
    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(CRC32.ieee.checksum(typeAndData))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian, Array.init) }

    /// `bytes` as a zlib stream.
    private static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = compress2(&out, &size, bytes, uLong(bytes.count), Z_BEST_COMPRESSION)
        // With a buffer of compressBound bytes, zlib fails only when out of memory.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        return Array(out[..<Int(size)])
    }
}
