import CZlib
import Foundation

/// Decompressed copies of large gzipped dataset files, so that after the first run reading
/// Fashion-MNIST's 26 MB of gzip takes milliseconds instead of a quarter of a second of inflating
/// (torchvision likewise extracts its archives once). The copies live in `$EMBER_CACHE`, else
/// `$XDG_CACHE_HOME/ember`, else `~/.cache/ember`, named after the source's path, size and
/// modification time, and are written atomically (temp file, then rename). The cache is never
/// required: when it cannot be written, or the gzip data is damaged, the file is read directly
/// and any error is reported against it.
enum DecompressedCache {
    /// Smaller files are read directly: inflating them is quick.
    static let minimumSize = 1 << 20

    /// A plain copy of gzip file `path`, made now if needed; nil when the file is small or the
    /// copy cannot be made.
    static func plainCopy(of path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, size >= minimumSize,
              let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 else { return nil }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let key = fnv1a("\(absolute)|\(size)|\(modified)")
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let dir = directory + "/datasets"
        let copy = "\(dir)/\(name)-\(String(key, radix: 16))"
        if FileManager.default.fileExists(atPath: copy) { return copy }
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else { return nil }
        let temp = "\(dir)/.\(name)-\(UUID().uuidString).tmp"
        guard inflate(path, to: temp), rename(temp, copy) == 0 else {
            unlink(temp)
            return nil
        }
        return copy
    }

    private static var directory: String {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["EMBER_CACHE"], !dir.isEmpty { return dir }
        if let dir = env["XDG_CACHE_HOME"], !dir.isEmpty { return dir + "/ember" }
        return NSHomeDirectory() + "/.cache/ember"
    }

    /// Decompresses gzip file `source` into a new file `target`; false on any failure.
    private static func inflate(_ source: String, to target: String) -> Bool {
        guard let input = gzopen(source, "rb") else { return false }
        defer { gzclose(input) }
        guard let output = fopen(target, "wb") else { return false }
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { chunk.deallocate() }
        var ok = true
        while true {
            let n = gzread(input, chunk, UInt32(1 << 22))
            if n < 0 || (n > 0 && fwrite(chunk, 1, Int(n), output) != Int(n)) { ok = false; break }
            if n == 0 { break }
        }
        return fclose(output) == 0 && ok
    }

    /// 64-bit FNV-1a of `text`'s UTF-8 bytes.
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
