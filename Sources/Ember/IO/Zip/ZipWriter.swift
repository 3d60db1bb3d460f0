import CZlib

/// Writes a zip archive into an `AtomicFile`, entry by entry, as PyTorch's and NumPy's writers
/// lay them out: each local header is followed by the entry's data, which can be aligned (PyTorch
/// pads its header's extra field so every record starts on a 64-byte boundary), then the central
/// directory, a zip64 end record and its locator (PyTorch always writes them), and the end record.
/// Entries, sizes or offsets past 32 bits get zip64 extra fields.
struct ZipWriter<Failure: Error> {
    private let file: AtomicFile<Failure>
    private let fail: (String) -> Failure
    /// Bytes written so far.
    private var offset = 0
    private var directory: [UInt8] = []
    private var count = 0
    /// Sizes and offsets from this value on are written as zip64 (below it only in tests).
    private let zip64Threshold: Int

    init(_ file: AtomicFile<Failure>, failure: @escaping (String) -> Failure, zip64Threshold: Int = 0xFFFF_FFFF) {
        self.file = file
        self.fail = failure
        self.zip64Threshold = zip64Threshold
    }

    /// Appends an entry holding `data`, stored, or deflated when `compress` is set (NumPy's
    /// `savez_compressed`), with its data starting at a multiple of `alignment` bytes.
    mutating func add(_ name: String, _ data: UnsafeRawBufferPointer, compress: Bool = false, alignment: Int = 1) throws(Failure) {
        let crc = ZipArchive.crc(data)
        let deflated = compress ? try deflate(data) : nil
        let compressedSize = deflated?.count ?? data.count
        let nameBytes = Array(name.utf8)
        let big = data.count >= zip64Threshold || compressedSize >= zip64Threshold
        var extra: [UInt8] = big ? Self.field(1, Self.le(UInt64(data.count), 8) + Self.le(UInt64(compressedSize), 8)) : []
        let unpadded = offset + 30 + nameBytes.count + extra.count
        if alignment > 1 && unpadded % alignment != 0 {
            // PyTorch's padding field ("FB"), at least its own 4-byte header long.
            let padding = (alignment - (unpadded + 4) % alignment) % alignment
            extra += Self.field(0x4246, [UInt8](repeating: 0x5A, count: padding))
        }
        let method: UInt16 = compress ? 8 : 0
        let version: UInt16 = big ? 45 : 20
        let size32 = big ? 0xFFFF_FFFF : data.count, compressed32 = big ? 0xFFFF_FFFF : compressedSize
        var local = Self.le(0x0403_4B50, 4) + Self.le(Int(version), 2) + Self.le(0x0800, 2) + Self.le(Int(method), 2)
        local += Self.le(0, 4) + Self.le(Int(crc), 4) + Self.le(compressed32, 4) + Self.le(size32, 4)
        local += Self.le(nameBytes.count, 2) + Self.le(extra.count, 2) + nameBytes + extra
        try file.write(local)
        if let deflated { try file.write(deflated) } else if data.count > 0 { try file.write(data.baseAddress!, count: data.count) }

        // The central entry's zip64 field holds, in order, those of the three that overflow.
        let farOffset = offset >= zip64Threshold
        var central64: [UInt8] = big ? Self.le(UInt64(data.count), 8) + Self.le(UInt64(compressedSize), 8) : []
        if farOffset { central64 += Self.le(UInt64(offset), 8) }
        let centralExtra = central64.isEmpty ? [] : Self.field(1, central64)
        directory += Self.le(0x0201_4B50, 4) + Self.le(45, 2) + Self.le(Int(version), 2) + Self.le(0x0800, 2)
        directory += Self.le(Int(method), 2) + Self.le(0, 4) + Self.le(Int(crc), 4) + Self.le(compressed32, 4) + Self.le(size32, 4)
        directory += Self.le(nameBytes.count, 2) + Self.le(centralExtra.count, 2) + Self.le(0, 2) + Self.le(0, 2) + Self.le(0, 2)
        directory += Self.le(0, 4) + Self.le(farOffset ? 0xFFFF_FFFF : offset, 4) + nameBytes + centralExtra
        offset += local.count + compressedSize
        count += 1
    }

    /// Writes the central directory and the end records.
    func finish() throws(Failure) {
        let start = offset, end64 = offset + directory.count
        var tail = directory
        tail += Self.le(0x0606_4B50, 4) + Self.le(UInt64(44), 8) + Self.le(45, 2) + Self.le(45, 2) + Self.le(0, 4) + Self.le(0, 4)
        tail += Self.le(UInt64(count), 8) + Self.le(UInt64(count), 8) + Self.le(UInt64(directory.count), 8) + Self.le(UInt64(start), 8)
        tail += Self.le(0x0706_4B50, 4) + Self.le(0, 4) + Self.le(UInt64(end64), 8) + Self.le(1, 4)
        let count16 = min(count, 0xFFFF)
        tail += Self.le(0x0605_4B50, 4) + Self.le(0, 2) + Self.le(0, 2) + Self.le(count16, 2) + Self.le(count16, 2)
        tail += Self.le(min(directory.count, 0xFFFF_FFFF), 4) + Self.le(min(start, 0xFFFF_FFFF), 4) + Self.le(0, 2)
        try file.write(tail)
    }

    /// Raw deflate of `data` at zlib's default level (NumPy's `savez_compressed` uses zipfile's
    /// ZIP_DEFLATED, which is that).
    private func deflate(_ data: UnsafeRawBufferPointer) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw fail("cannot start deflating") }
        defer { deflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var at = 0
        while true {
            let n = min(data.count - at, 1 << 30)
            stream.next_in = data.baseAddress.map { UnsafeMutablePointer(mutating: ($0 + at).assumingMemoryBound(to: Bytef.self)) }
            stream.avail_in = uInt(n)
            let last = at + n == data.count
            var code: Int32
            repeat {
                code = chunk.withUnsafeMutableBytes { buffer in
                    stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(buffer.count)
                    return CZlib.deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                }
                guard code != Z_STREAM_ERROR else { throw fail("deflate failed") }
                out += chunk[0..<(chunk.count - Int(stream.avail_out))]
            } while stream.avail_out == 0
            at += n
            if last { break }
        }
        return out
    }

    /// An extra field: its id, its length and its bytes.
    private static func field(_ id: Int, _ body: [UInt8]) -> [UInt8] { le(id, 2) + le(body.count, 2) + body }

    /// `value`'s low `bytes` bytes, little-endian.
    private static func le(_ value: Int, _ bytes: Int) -> [UInt8] { le(UInt64(truncatingIfNeeded: value), bytes) }
    private static func le(_ value: UInt64, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
