import Foundation

/// Writes a file all at once or not at all: the bytes go to a temporary file in the same
/// directory, created exclusively under an unpredictable name (never through a planted link),
/// flushed to disk, renamed over `path` (rename(2) is atomic within a file system), and the
/// directory flushed so the rename survives a crash. On any failure the temporary file is
/// removed and `path` is left as it was. Temporary files that a killed run left in the same
/// directory (Ember's own, of processes no longer running) are removed first.
///
/// Only a regular file (or a symbolic link, which the rename replaces, never its target) is
/// replaced: a FIFO, a device, a socket or a directory at `path` is refused before anything is
/// written (renaming over `/dev/null` as root would replace the device node with a file). The
/// failure's words name no temporary file; the caller's error names `path`.
struct AtomicFile<Failure: Error> {
    /// The open temporary file.
    private let fd: Int32
    private let tempPath: String
    /// Makes the error thrown for a failure described in words.
    private let fail: (String) -> Failure

    /// The marker in Ember's temporary names: `.<name>.ember-<pid>-<random>.tmp`.
    private static var marker: String { ".ember-" }

    /// Runs `body` to fill the file, then moves it into place at `path`.
    static func write(to path: String, failure fail: @escaping (String) -> Failure,
                      _ body: (AtomicFile) throws(Failure) -> Void) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        if let problem = replaceProblem(path) { throw fail(problem) }
        removeStale(in: dir)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let tempPath = dir + "/." + url.lastPathComponent + marker + "\(getpid())-" + random + ".tmp"
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("cannot create a temporary file in directory '\(dir)': \(errnoText())") }
        let file = AtomicFile(fd: fd, tempPath: tempPath, fail: fail)
        var isOpen = true
        do throws(Failure) {
            try body(file)
            guard fsync(fd) == 0 else { throw fail("cannot flush the data to disk: \(errnoText())") }
            isOpen = false
            guard close(fd) == 0 else { throw fail("cannot close the temporary file: \(errnoText())") }
            // Checked again: something may have been made at `path` while the data was written.
            if let problem = replaceProblem(path) { throw fail(problem) }
            guard rename(tempPath, path) == 0 else {
                throw fail("cannot rename the temporary file into place: \(errnoText())")
            }
        } catch {
            if isOpen { close(fd) }
            unlink(tempPath)
            throw error
        }
        syncDirectory(dir)
    }

    /// Why `path` must not be replaced, or nil when nothing is there or it is a regular file or
    /// a symbolic link (`lstat`: a link is looked at, not followed).
    static func replaceProblem(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFLNK: return nil
        case S_IFDIR: return "it is a directory, not a regular file"
        case S_IFIFO: return "it is a FIFO (named pipe), not a regular file"
        case S_IFCHR, S_IFBLK: return "it is a device, not a regular file"
        case S_IFSOCK: return "it is a socket, not a regular file"
        default: return "it is not a regular file"
        }
    }

    /// Flushes a directory's entries (the rename) to disk; best effort.
    private static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Removes the temporary files of processes that no longer run from `dir`: only names Ember
    /// makes, only regular files, never one of a live process (which may be writing it), and
    /// only those untouched for `staleAge` seconds (a process id names no process of another
    /// machine or container sharing the directory, whose write may still be going on).
    static func removeStale(in dir: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            guard let range = name.range(of: marker, options: .backwards) else { continue }
            let tail = name[range.upperBound...].dropLast(".tmp".count).split(separator: "-")
            guard tail.count == 2, let pid = Int32(tail[0]), pid > 0, UInt64(tail[1], radix: 16) != nil else { continue }
            guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
            var info = stat()
            let path = dir + "/" + name
            if lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && time(nil) - info.st_mtim.tv_sec > staleAge {
                unlink(path)
            }
        }
    }

    /// How long a dead process's temporary file is left alone, in seconds.
    static var staleAge: Int { 3600 }

    /// Appends `count` bytes from `bytes`.
    func write(_ bytes: UnsafeRawPointer, count: Int) throws(Failure) {
        guard writeAll(UnsafeRawBufferPointer(start: bytes, count: count)) else {
            throw fail("cannot write the data: \(errnoText())")
        }
    }

    /// Appends `bytes`.
    func write(_ bytes: [UInt8]) throws(Failure) {
        guard bytes.withUnsafeBytes(writeAll) else { throw fail("cannot write the data: \(errnoText())") }
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
