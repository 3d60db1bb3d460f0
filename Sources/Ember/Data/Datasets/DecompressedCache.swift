import CZlib
import Foundation

/// Decompressed copies of large gzipped dataset files, so that after the first run reading
/// Fashion-MNIST's 26 MB of gzip takes milliseconds instead of a quarter of a second of inflating
/// (torchvision likewise extracts its archives once). The copies live in `$EMBER_CACHE`, else
/// `$XDG_CACHE_HOME/ember`, else `~/.cache/ember`, named after the source's path, size and
/// modification time, and are written atomically (temp file, then rename). A copy is trusted only
/// when its size and CRC-32 are the ones the gzip file's trailer records for its data, so a
/// truncated source or a copy changed afterwards is never used. The cache is never required:
/// when it cannot be written or checked, the file is read directly and any error is reported
/// against it.
enum DecompressedCache {
    /// Smaller files are read directly: inflating them is quick.
    static let minimumSize = 1 << 20

    /// A plain copy of gzip file `path`, made now if needed; nil when the file is small or the
    /// copy cannot be made or checked.
    static func plainCopy(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) >= minimumSize,
              let trailer = gzipTrailer(path) else { return nil }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let key = fnv1a("\(absolute)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(trailer.crc)")
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let dir = directory + "/datasets"
        let copy = "\(dir)/\(name)-\(String(key, radix: 16))"
        if matches(copy, trailer) { return copy }
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else { return nil }
        do {
            try AtomicFile.write(to: copy, failure: { CacheFailure(reason: $0) }) { file throws(CacheFailure) in
                try inflate(path, into: file)
            }
        } catch {
            return nil
        }
        return matches(copy, trailer) ? copy : nil
    }

    /// Why a copy could not be written (never shown: the source is read directly instead).
    private struct CacheFailure: Error { let reason: String }

    private static var directory: String {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["EMBER_CACHE"], !dir.isEmpty { return dir }
        if let dir = env["XDG_CACHE_HOME"], !dir.isEmpty { return dir + "/ember" }
        return NSHomeDirectory() + "/.cache/ember"
    }

    /// The CRC-32 and size (modulo 2³²) of the data, from the last 8 bytes of a gzip file.
    private static func gzipTrailer(_ path: String) -> (crc: UInt32, size: UInt32)? {
        guard let file = try? RegularFile(path), file.size >= 18 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 8)
        guard bytes.withUnsafeMutableBytes({ pread(file.fd, $0.baseAddress!, 8, off_t(file.size - 8)) }) == 8 else { return nil }
        let word = { (at: Int) in (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        return (word(0), word(4))
    }

    /// Whether `copy` exists and holds data of the trailer's size and CRC-32.
    private static func matches(_ copy: String, _ trailer: (crc: UInt32, size: UInt32)) -> Bool {
        guard let file = try? RegularFile(copy), UInt32(truncatingIfNeeded: file.size) == trailer.size else { return false }
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { chunk.deallocate() }
        var crc = crc32(0, nil, 0)
        while true {
            let n = read(file.fd, chunk, 1 << 22)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return false }
            if n == 0 { break }
            crc = crc32(crc, chunk.assumingMemoryBound(to: Bytef.self), uInt(n))
        }
        return UInt32(crc) == trailer.crc
    }

    /// Decompresses gzip file `source` into `file`; throws on any failure, a stream cut short
    /// included (zlib reports that only through `gzerror`).
    private static func inflate(_ source: String, into file: AtomicFile<CacheFailure>) throws(CacheFailure) {
        let opened: RegularFile
        do { opened = try RegularFile(source) } catch { throw CacheFailure(reason: error.reason) }
        let fd = opened.release()
        guard let input = gzdopen(fd, "rb") else {
            close(fd)
            throw CacheFailure(reason: "cannot open")
        }
        defer { gzclose(input) }
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { chunk.deallocate() }
        while true {
            let n = gzread(input, chunk, UInt32(1 << 22))
            var code: Int32 = 0
            _ = gzerror(input, &code)
            guard n >= 0, code == Z_OK else { throw CacheFailure(reason: "damaged gzip data") }
            if n == 0 { return }
            try file.write(chunk, count: Int(n))
        }
    }

    /// 64-bit FNV-1a of `text`'s UTF-8 bytes.
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
