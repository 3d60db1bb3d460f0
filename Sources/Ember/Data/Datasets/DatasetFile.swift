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
    /// The size of the data when it is read as stored (a plain file, or the decompressed copy);
    /// nil for a gzip stream, whose size is known only at its end.
    private let plainSize: Int?

    /// Opens `path`, throwing `.missing` when it does not exist. A large gzip file is read from
    /// its decompressed copy in `DecompressedCache` (errors still name `path`).
    init(_ path: String) throws(DatasetError) {
        let opened: RegularFile
        do {
            opened = try RegularFile(path)
        } catch {
            throw DatasetError(error, path: path)
        }
        let copy = path.hasSuffix(".gz") ? DecompressedCache.plainCopy(of: path) : nil
        let source: RegularFile
        var cached: String? = nil
        if let copy, let plain = try? RegularFile(copy) {
            source = plain
            cached = copy
        } else {
            source = opened
        }
        let size = source.size, fd = source.release()
        guard let file = gzdopen(fd, "rb") else {
            close(fd)
            throw DatasetError(.cannotRead, path: path, "cannot open: \(errnoText())")
        }
        self.path = path
        self.file = file
        cachedCopy = cached
        plainSize = gzdirect(file) == 1 ? size : nil
    }

    /// The bytes left when the reader knows them (a plain file or the decompressed copy); nil
    /// for a gzip stream.
    var remaining: Int? { plainSize.map { $0 - Int(gztell(file)) } }

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

    /// zlib's error code and message for the file, without the `<fd:3>: ` it puts before the
    /// message of a file opened by descriptor (the error names the path instead).
    private func gzipError() -> (code: Int32, message: String?) {
        var code: Int32 = 0
        let text = gzerror(file, &code).map { String(cString: $0) }
        guard let text, text.hasPrefix("<fd:"), let colon = text.range(of: ": ") else { return (code, text) }
        return (code, String(text[colon.upperBound...]))
    }

    /// Reads up to `count` bytes, fewer only at the end of the data.
    private func readSome(_ buffer: UnsafeMutableRawPointer, _ count: Int) throws(DatasetError) -> Int {
        var done = 0
        while done < count {
            let n = gzread(file, buffer + done, UInt32(min(count - done, 1 << 30)))
            if n < 0 {
                throw DatasetError(.cannotRead, path: path, "cannot read: \(gzipError().message ?? "read error")")
            }
            if n == 0 {
                // zlib reports a gzip stream cut short only through gzerror, after the end.
                let (code, message) = gzipError()
                if code != Z_OK { throw DatasetError(.cannotRead, path: path, "cannot read: \(message ?? "") (truncated or damaged gzip data)") }
                break
            }
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
        // `count` comes from a header: compared with what is left, never added to the offset.
        guard count <= size - offset else {
            throw DatasetError(.invalidFormat, path: path, "truncated: \(what) needs \(count) bytes, but only \(size - offset) remain")
        }
        guard count == size - offset else { throw DatasetError(.invalidFormat, path: path, "trailing bytes after \(what)") }
        return Storage(mapping: cachedCopy, offset: offset, byteCount: count)
    }

    /// Reads exactly `count` bytes into `destination`, which is allocated only once the bytes
    /// are known to be there: checked against `remaining` when the size is known, else read in
    /// chunks first (a header may claim more than a gzip stream holds). `allocate` gives nil
    /// when the system has no memory for them, which throws.
    func read(_ count: Int, _ what: String, into allocate: (Int) -> UnsafeMutableRawPointer?) throws(DatasetError) {
        func destination() throws(DatasetError) -> UnsafeMutableRawPointer {
            guard let p = allocate(count) else {
                throw DatasetError(.cannotRead, path: path, "not enough memory for the \(count) bytes of \(what)")
            }
            return p
        }
        if let remaining {
            guard remaining >= count else {
                throw DatasetError(.invalidFormat, path: path, "truncated: \(what) needs \(count) bytes, but only \(remaining) remain")
            }
            try read(into: destination(), count: count, what)
            return
        }
        var chunks: [UnsafeMutableRawBufferPointer] = []
        defer { chunks.forEach { $0.deallocate() } }
        var done = 0
        while done < count {
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.min(count - done, 1 << 24), alignment: 64)
            chunks.append(chunk)
            let n = try readSome(chunk.baseAddress!, chunk.count)
            done += n
            guard n == chunk.count else {
                throw DatasetError(.invalidFormat, path: path, "truncated: \(what) needs \(count) bytes, but only \(done) remain")
            }
        }
        var target = try destination()
        for chunk in chunks {
            target.copyMemory(from: chunk.baseAddress!, byteCount: chunk.count)
            target += chunk.count
        }
    }

    /// Reads `count` bytes into an array.
    func bytes(_ count: Int, _ what: String) throws(DatasetError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
        defer { buffer.deallocate() }
        try read(into: buffer.baseAddress!, count: count, what)
        return Array(buffer)
    }

    /// Reads everything left, which must be at most `limit` bytes (a small gzip file can
    /// inflate to any size).
    func readToEnd(limit: Int) throws(DatasetError) -> [UInt8] {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
        defer { chunk.deallocate() }
        var out: [UInt8] = []
        while true {
            let n = try readSome(chunk.baseAddress!, chunk.count)
            guard out.count + n <= limit else {
                throw DatasetError(.invalidFormat, path: path, "holds more than \(limit) bytes, the most this format has")
            }
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

/// Throws `.missing` when nothing is at `root`, `.cannotRead` when it is not a directory (a
/// FIFO, a file), naming what it is.
func requireDirectory(_ root: String) throws(DatasetError) {
    var info = stat()
    guard stat(root, &info) == 0 else {
        throw DatasetError(.missing, path: root, "data directory not found")
    }
    let what: String
    switch info.st_mode & S_IFMT {
    case S_IFDIR: return
    case S_IFREG: what = "a file"
    case S_IFIFO: what = "a FIFO (named pipe)"
    case S_IFCHR, S_IFBLK: what = "a device"
    case S_IFSOCK: what = "a socket"
    default: what = "something else"
    }
    throw DatasetError(.cannotRead, path: root, "is \(what), not a data directory")
}
