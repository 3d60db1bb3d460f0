import Foundation

/// Writes a file all at once or not at all: the bytes go to a temporary file in the same
/// directory, which is flushed to disk and then renamed over `path` (rename(2) is atomic within a
/// file system). On any failure the temporary file is removed and `path` is left as it was.
struct AtomicFile<Failure: Error> {
    /// The open temporary file.
    private let fd: Int32
    private let tempPath: String
    /// Makes the error thrown for a failure described in words.
    private let fail: (String) -> Failure

    /// Runs `body` to fill the file, then moves it into place at `path`.
    static func write(to path: String, failure fail: @escaping (String) -> Failure,
                      _ body: (AtomicFile) throws(Failure) -> Void) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let tempPath = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".tmp-" + random
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("cannot create '\(tempPath)': \(errnoText())") }
        let file = AtomicFile(fd: fd, tempPath: tempPath, fail: fail)
        var isOpen = true
        do throws(Failure) {
            try body(file)
            guard fsync(fd) == 0 else { throw fail("cannot flush '\(tempPath)': \(errnoText())") }
            isOpen = false
            guard close(fd) == 0 else { throw fail("cannot close '\(tempPath)': \(errnoText())") }
            guard rename(tempPath, path) == 0 else {
                throw fail("cannot rename '\(tempPath)' to '\(path)': \(errnoText())")
            }
        } catch {
            if isOpen { close(fd) }
            unlink(tempPath)
            throw error
        }
    }

    /// Appends `count` bytes from `bytes`.
    func write(_ bytes: UnsafeRawPointer, count: Int) throws(Failure) {
        guard writeAll(UnsafeRawBufferPointer(start: bytes, count: count)) else {
            throw fail("cannot write '\(tempPath)': \(errnoText())")
        }
    }

    /// Appends `bytes`.
    func write(_ bytes: [UInt8]) throws(Failure) {
        guard bytes.withUnsafeBytes(writeAll) else { throw fail("cannot write '\(tempPath)': \(errnoText())") }
    }

    /// Writes the whole buffer, retrying short and interrupted writes; false (with `errno` set)
    /// on failure.
    private func writeAll(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < buffer.count {
            let n = Foundation.write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }
}

/// The current `errno` in words.
func errnoText() -> String { String(cString: strerror(errno)) }
