import CZlib

/// Why a zip archive could not be read, in words; the format's reader wraps it in its own error.
struct ZipError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A zip archive held in memory (a mapped file), checked as a whole before anything is read from
/// it: the end record (and its zip64 form, which PyTorch always writes), every central-directory
/// entry, and every entry's local header (which must name the same file) and data range (which
/// must not overlap another's, so no byte is inflated twice). Stored and deflated entries are read;
/// encrypted, split and otherwise compressed archives are refused. PyTorch's `.pt` files and
/// NumPy's `.npz` files are zip archives.
struct ZipArchive {
    /// One file in the archive.
    struct Entry {
        let name: String
        /// 0: stored, 8: deflated.
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        /// The size of the entry's contents.
        let size: Int
        /// Where the entry's local header starts in the archive.
        let headerOffset: Int
        /// Where the (compressed) data starts in the archive.
        let dataOffset: Int
    }

    /// The entries in central-directory order.
    let entries: [Entry]
    private let bytes: UnsafeRawBufferPointer
    private let index: [String: Int]

    /// The largest factor by which deflate can expand data (a 1032:1 limit, plus a margin).
    private static let maxDeflateRatio = 1040

    /// Checks `bytes` as a zip archive and lists its entries.
    init(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        self.bytes = bytes
        let reader = ByteReader(bytes)
        let directory = try Self.centralDirectory(reader)
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var at = directory.offset
        for _ in 0..<directory.count {
            let entry = try Self.entry(reader, at: &at, directoryStart: directory.offset)
            guard index[entry.name] == nil else { throw ZipError("the entry '\(entry.name.quotable)' appears twice") }
            index[entry.name] = entries.count
            entries.append(entry)
        }
        let byPosition = entries.sorted { $0.headerOffset < $1.headerOffset }
        for (a, b) in zip(byPosition, byPosition.dropFirst()) where a.dataOffset + a.compressedSize > b.headerOffset {
            throw ZipError("the data of '\(a.name.quotable)' overlaps the entry '\(b.name.quotable)'")
        }
        self.entries = entries
        self.index = index
    }

    /// The entry named `name`, if the archive has one.
    func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// Whether `bytes` start like a zip archive (a local header, or the end record of an empty one).
    static func looksLikeZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && (ByteReader(bytes).u32(0) == 0x0403_4B50 || ByteReader(bytes).u32(0) == 0x0605_4B50)
    }

    /// Writes the entry's contents into `destination`, which holds exactly `entry.size` bytes,
    /// inflating deflated data, and checks the CRC-32 the directory records.
    func read(_ entry: Entry, into destination: UnsafeMutableRawBufferPointer) throws(ZipError) {
        try read(entry, into: [destination])
    }

    /// Writes the entry's contents into `segments` in turn, which together hold exactly
    /// `entry.size` bytes (a header into one buffer, the data after it straight into a tensor),
    /// inflating deflated data, and checks the CRC-32 the directory records.
    func read(_ entry: Entry, into segments: [UnsafeMutableRawBufferPointer]) throws(ZipError) {
        precondition(segments.reduce(0) { $0 + $1.count } == entry.size)
        let source = compressedBytes(entry)
        if entry.method == 0 {
            var at = 0
            for segment in segments where segment.count > 0 {
                segment.baseAddress!.copyMemory(from: source.baseAddress! + at, byteCount: segment.count)
                at += segment.count
            }
        } else {
            try Self.inflate(source, into: segments, whole: true, name: entry.name)
        }
        let crc = segments.reduce(UInt32(0)) { Self.crc(UnsafeRawBufferPointer($1), continuing: $0) }
        guard crc == entry.crc else {
            throw ZipError("the entry '\(entry.name.quotable)' fails its CRC-32 check (damaged)")
        }
    }

    /// The first `count` bytes of the entry's contents (at most its size), unchecked: the CRC-32
    /// covers the whole entry, which `read` checks.
    func prefix(of entry: Entry, count: Int) throws(ZipError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: min(count, entry.size))
        guard !out.isEmpty else { return out }
        let source = compressedBytes(entry)
        try out.withMutableBytes { buffer throws(ZipError) in
            if entry.method == 0 {
                buffer.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: buffer.count)
            } else {
                try Self.inflate(source, into: [buffer], whole: false, name: entry.name)
            }
        }
        return out
    }

    /// The entry's data as stored in the archive.
    private func compressedBytes(_ entry: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
    }

    /// The entry's contents as bytes, for small records; larger than `limit` throws.
    func bytes(of entry: Entry, limit: Int) throws(ZipError) -> [UInt8] {
        guard entry.size <= limit else {
            throw ZipError("the entry '\(entry.name.quotable)' holds \(entry.size) bytes, above the limit of \(limit) for it")
        }
        var out = [UInt8](repeating: 0, count: entry.size)
        try out.withMutableBytes { buffer throws(ZipError) in try read(entry, into: buffer) }
        return out
    }

    // MARK: - Structure

    /// The central directory's offset and entry count, from the end record (and the zip64 end
    /// record when there is one), checked against the archive's size.
    private static func centralDirectory(_ r: ByteReader) throws(ZipError) -> (offset: Int, count: Int) {
        guard r.count >= 22 else { throw ZipError("the file is \(r.count) bytes, too short for a zip archive (truncated?)") }
        // The end record is the last 22 bytes, unless the archive has a comment (up to 65535 bytes).
        var end = -1
        for at in stride(from: r.count - 22, through: max(0, r.count - 22 - 65535), by: -1) where r.u32(at) == 0x0605_4B50 {
            end = at
            break
        }
        guard end >= 0 else { throw ZipError("no zip end-of-central-directory record (truncated?)") }
        guard r.u16(end + 4) == 0, r.u16(end + 6) == 0 else { throw ZipError("split (multi-disk) zip archives are not supported") }
        var count = Int(r.u16(end + 10)), size = Int(r.u32(end + 12)), offset = Int(r.u32(end + 16))
        var directoryEnd = end
        if end >= 20 && r.u32(end - 20) == 0x0706_4B50 {
            let record = r.u64(end - 12)
            guard record <= UInt64(end - 20), Int(record) + 56 <= end - 20, r.u32(Int(record)) == 0x0606_4B50 else {
                throw ZipError("the zip64 end record is missing or out of place")
            }
            let at = Int(record)
            let (c, s, o) = (r.u64(at + 32), r.u64(at + 40), r.u64(at + 48))
            guard c <= UInt64(Int.max), s <= UInt64(Int.max), o <= UInt64(Int.max) else {
                throw ZipError("the zip64 end record's sizes are out of range")
            }
            (count, size, offset) = (Int(c), Int(s), Int(o))
            directoryEnd = at
        } else if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw ZipError("the end record needs a zip64 record that is missing")
        }
        guard offset <= directoryEnd, size <= directoryEnd - offset else {
            throw ZipError("the central directory (\(size) bytes at \(offset)) runs past the end of the archive (truncated?)")
        }
        guard count <= size / 46 else {
            throw ZipError("the end record claims \(count) entries, more than the \(size)-byte central directory holds")
        }
        return (offset, count)
    }

    /// The central-directory entry at `at`, checked with its local header; moves `at` past it.
    private static func entry(_ r: ByteReader, at: inout Int, directoryStart: Int) throws(ZipError) -> Entry {
        guard at <= r.count - 46, r.u32(at) == 0x0201_4B50 else { throw ZipError("a central-directory entry is damaged") }
        let flags = r.u16(at + 8), method = r.u16(at + 10), crc = r.u32(at + 16)
        var compressed = UInt64(r.u32(at + 20)), size = UInt64(r.u32(at + 24)), local = UInt64(r.u32(at + 42))
        let nameLength = Int(r.u16(at + 28)), extraLength = Int(r.u16(at + 30)), commentLength = Int(r.u16(at + 32))
        let nameStart = at + 46, extraStart = nameStart + nameLength
        let next = extraStart + extraLength + commentLength
        guard next <= r.count else { throw ZipError("a central-directory entry runs past the end of the archive") }
        guard let name = String(validating: UnsafeRawBufferPointer(rebasing: r.bytes[nameStart..<extraStart]), as: UTF8.self) else {
            throw ZipError("an entry's name is not valid UTF-8")
        }
        // The zip64 extra field holds, in this order, each of the three that reads 0xFFFFFFFF.
        var extra = extraStart
        while extra + 4 <= extraStart + extraLength {
            let id = r.u16(extra), length = Int(r.u16(extra + 2))
            guard extra + 4 + length <= extraStart + extraLength else { throw ZipError("the entry '\(name.quotable)' has a damaged extra field") }
            if id == 1 {
                var field = extra + 4
                func next() throws(ZipError) -> UInt64 {
                    guard field + 8 <= extra + 4 + length else { throw ZipError("the entry '\(name.quotable)' has a short zip64 field") }
                    field += 8
                    return r.u64(field - 8)
                }
                if size == 0xFFFF_FFFF { size = try next() }
                if compressed == 0xFFFF_FFFF { compressed = try next() }
                if local == 0xFFFF_FFFF { local = try next() }
            }
            extra += 4 + length
        }
        guard flags & 1 == 0 else { throw ZipError("the entry '\(name.quotable)' is encrypted") }
        guard method == 0 || method == 8 else {
            throw ZipError("the entry '\(name.quotable)' uses compression method \(method); only stored (0) and deflated (8) entries are read")
        }
        guard method != 0 || compressed == size else {
            throw ZipError("the stored entry '\(name.quotable)' has a compressed size \(compressed) different from its size \(size)")
        }
        guard local < UInt64(directoryStart), Int(local) + 30 <= directoryStart, r.u32(Int(local)) == 0x0403_4B50 else {
            throw ZipError("the local header of '\(name.quotable)' is missing or out of place")
        }
        let localName = Int(local) + 30, localNameLength = Int(r.u16(Int(local) + 26))
        let dataOffset = localName + localNameLength + Int(r.u16(Int(local) + 28))
        guard dataOffset <= directoryStart,
              r.bytes[localName..<(localName + localNameLength)].elementsEqual(r.bytes[nameStart..<extraStart]) else {
            throw ZipError("the local header of '\(name.quotable)' names another file")
        }
        guard dataOffset <= directoryStart, compressed <= UInt64(directoryStart - dataOffset) else {
            throw ZipError("the data of '\(name.quotable)' (\(compressed) bytes) runs past the end of the archive's data (truncated?)")
        }
        let (bound, overflow) = Int(compressed).multipliedReportingOverflow(by: maxDeflateRatio)
        guard size <= UInt64(Int.max), method == 0 || (!overflow && Int(size) <= bound + 1024) else {
            throw ZipError("the entry '\(name.quotable)' claims \(size) bytes from \(compressed) compressed ones, more than deflate can produce")
        }
        at = next
        return Entry(name: name, method: method, crc: crc, compressedSize: Int(compressed), size: Int(size),
                     headerOffset: Int(local), dataOffset: dataOffset)
    }

    // MARK: - Data

    /// Inflates raw deflate data into `segments` in turn: exactly filling them when `whole`,
    /// else stopping once they are full (a prefix of the data).
    private static func inflate(_ source: UnsafeRawBufferPointer, into segments: [UnsafeMutableRawBufferPointer],
                                whole: Bool, name: String) throws(ZipError) {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ZipError("cannot start inflating '\(name.quotable)'")
        }
        defer { inflateEnd(&stream) }
        let total = segments.reduce(0) { $0 + $1.count }
        var inputLeft = source.count, written = 0
        var input = source.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        var segment = 0, inSegment = 0
        var scratch: UInt8 = 0
        while true {
            while segment < segments.count && inSegment == segments[segment].count { segment += 1; inSegment = 0 }
            if !whole && segment == segments.count { return }
            // zlib counts in 32 bits: feed at most 1 GiB at a time. Full segments get a one-byte
            // scratch buffer, so data longer than the directory says is caught.
            let inChunk = min(inputLeft, 1 << 30)
            let outChunk = segment < segments.count ? min(segments[segment].count - inSegment, 1 << 30) : 0
            stream.next_in = input
            stream.avail_in = uInt(inChunk)
            let code = withUnsafeMutablePointer(to: &scratch) { spare in
                stream.next_out = outChunk > 0 ? (segments[segment].baseAddress! + inSegment).assumingMemoryBound(to: Bytef.self) : spare
                stream.avail_out = uInt(outChunk > 0 ? outChunk : 1)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            let consumed = inChunk - Int(stream.avail_in)
            let produced = outChunk > 0 ? outChunk - Int(stream.avail_out) : 1 - Int(stream.avail_out)
            if outChunk == 0 && produced > 0 { throw ZipError("the entry '\(name.quotable)' inflates to more than its recorded \(total) bytes") }
            inputLeft -= consumed
            input = input.map { $0 + consumed }
            written += produced
            inSegment += produced
            if code == Z_STREAM_END { break }
            guard code == Z_OK || code == Z_BUF_ERROR, consumed > 0 || produced > 0 else {
                throw ZipError("the deflated data of '\(name.quotable)' is damaged or ends early")
            }
        }
        guard written == total else {
            throw ZipError("the entry '\(name.quotable)' inflates to \(written) bytes, not \(whole ? "its recorded " : "at least ")\(total)")
        }
    }

    /// zlib's CRC-32 of `bytes`, continuing `crc` (the CRC-32 of the bytes before them).
    static func crc(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var crc = uLong(crc)
        var at = 0
        while at < bytes.count {
            let n = min(bytes.count - at, 1 << 30)
            crc = crc32(crc, bytes.baseAddress!.advanced(by: at).assumingMemoryBound(to: Bytef.self), uInt(n))
            at += n
        }
        return UInt32(crc)
    }
}

/// Little-endian integers at byte offsets of a buffer; callers check the offsets first.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
    var count: Int { bytes.count }
    func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
}
