import CZlib
import Foundation

/// A dataset file read front to back, gzip-compressed or not: zlib's `gzread` passes plain files
/// through unchanged, so one reader serves `train-images-idx3-ubyte` and its `.gz`.
struct DatasetFile: ~Copyable {
    let path: String
    private let file: gzFile
    /// The decompressed copy read instead of `path`, if any: a file Ember wrote and never
    /// changes, so its data can be mapped rather than read.
    private let cachedCopy: String?

    /// Opens `path`, throwing `.missing` when it does not exist. A large gzip file is read from
    /// its decompressed copy in `DecompressedCache` (errors still name `path`).
    init(_ path: String) throws(DatasetError) {
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError(.missing, path: path, "file not found") }
        let copy = path.hasSuffix(".gz") ? DecompressedCache.plainCopy(of: path) : nil
        guard let file = gzopen(copy ?? path, "rb") else { throw DatasetError(.cannotRead, path: path, "cannot open: \(errnoText())") }
        self.path = path
        self.file = file
        cachedCopy = copy
    }

    /// Opens `root/name` or, failing that, `root/name.gz`; throws `.missing` naming both when
    /// neither exists.
    init(root: String, name: String) throws(DatasetError) {
        let plain = root + "/" + name
        if FileManager.default.fileExists(atPath: plain) {
            try self.init(plain)
        } else if FileManager.default.fileExists(atPath: plain + ".gz") {
            try self.init(plain + ".gz")
        } else {
            throw DatasetError(.missing, path: plain, "file not found (nor '\(plain).gz')")
        }
    }

    deinit { gzclose(file) }

    /// Reads up to `count` bytes, fewer only at the end of the data.
    private func readSome(_ buffer: UnsafeMutableRawPointer, _ count: Int) throws(DatasetError) -> Int {
        var done = 0
        while done < count {
            let n = gzread(file, buffer + done, UInt32(min(count - done, 1 << 30)))
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw DatasetError(.cannotRead, path: path, "cannot read: \(message)")
            }
            if n == 0 { break }
            done += Int(n)
        }
        return done
    }

    /// Reads exactly `count` bytes; `what` names them in the error when the file ends first.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, _ what: String) throws(DatasetError) {
        let n = try readSome(buffer, count)
        guard n == count else {
            throw DatasetError(.invalidFormat, path: path, "truncated: \(what) needs \(count) bytes, but only \(n) remain")
        }
    }

    /// The rest of the data, exactly `count` bytes, as storage mapped from the decompressed copy
    /// (see `Storage.init(mapping:offset:byteCount:)`); nil when there is no such copy or it
    /// cannot be mapped (read the bytes instead). Throws as `read` and `expectEnd` would when the
    /// copy holds fewer or more bytes.
    func mappedRest(_ count: Int, _ what: String) throws(DatasetError) -> Storage? {
        guard let cachedCopy, let size = (try? FileManager.default.attributesOfItem(atPath: cachedCopy))?[.size] as? Int else {
            return nil
        }
        let offset = Int(gztell(file))
        guard size >= offset + count else {
            throw DatasetError(.invalidFormat, path: path, "truncated: \(what) needs \(count) bytes, but only \(size - offset) remain")
        }
        guard size == offset + count else { throw DatasetError(.invalidFormat, path: path, "trailing bytes after \(what)") }
        return Storage(mapping: cachedCopy, offset: offset, byteCount: count)
    }

    /// Reads `count` bytes into an array.
    func bytes(_ count: Int, _ what: String) throws(DatasetError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
        defer { buffer.deallocate() }
        try read(into: buffer.baseAddress!, count: count, what)
        return Array(buffer)
    }

    /// Reads everything left.
    func readToEnd() throws(DatasetError) -> [UInt8] {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
        defer { chunk.deallocate() }
        var out: [UInt8] = []
        while true {
            let n = try readSome(chunk.baseAddress!, chunk.count)
            out += chunk.prefix(n)
            if n < chunk.count { return out }
        }
    }

    /// Throws when bytes are left after `expected` bytes of data.
    func expectEnd(after expected: String) throws(DatasetError) {
        var byte: UInt8 = 0
        guard try readSome(&byte, 1) == 0 else {
            throw DatasetError(.invalidFormat, path: path, "trailing bytes after \(expected)")
        }
    }
}

/// Throws `.missing` unless `root` is an existing directory.
func requireDirectory(_ root: String) throws(DatasetError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw DatasetError(.missing, path: root, "data directory not found")
    }
}
