import Foundation

/// A regular file opened for reading, checked before anything reads it. Every file Ember reads
/// from outside goes through here: the path must name a regular file (a FIFO would block
/// `open(2)` until a writer came, a device or a directory holds no data). The type is checked
/// with `stat` before the open and again with `fstat` on the descriptor, which is opened
/// non-blocking, so that a file swapped for a FIFO in between cannot block either.
struct RegularFile: ~Copyable {
    /// The open descriptor (blocking reads).
    let fd: Int32
    /// The file's size in bytes when it was opened.
    let size: Int

    /// Why a path could not be opened, in words.
    enum Problem: Error {
        /// Nothing exists at the path.
        case missing(String)
        /// Something exists but is not a regular file Ember may read.
        case unreadable(String)

        /// The reason, in words.
        var reason: String {
            switch self {
            case .missing(let r), .unreadable(let r): r
            }
        }
    }

    init(_ path: String) throws(Problem) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOENT || errno == ENOTDIR ? .missing("file not found") : .unreadable("cannot open: \(errnoText())")
        }
        try Self.checkType(info)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw .unreadable("cannot open: \(errnoText())") }
        guard fstat(fd, &info) == 0 else {
            let reason = errnoText()
            close(fd)
            throw .unreadable("cannot stat: \(reason)")
        }
        do {
            try Self.checkType(info)
        } catch {
            close(fd)
            throw error
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        size = Int(info.st_size)
    }

    deinit { close(fd) }

    /// Hands the descriptor to a reader that closes it itself (zlib's `gzclose`).
    consuming func release() -> Int32 {
        let fd = self.fd
        discard self
        return fd
    }

    /// The whole file, at most `limit` bytes (a larger file throws), read with retries of short
    /// and interrupted reads.
    consuming func readAll(limit: Int) throws(Problem) -> [UInt8] {
        guard size <= limit else { throw .unreadable("the file is \(size) bytes, above the limit of \(limit)") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw n < 0 ? .unreadable("cannot read: \(errnoText())") : .unreadable("the file shrank while being read")
            }
            done += n
        }
        return bytes
    }

    private static func checkType(_ info: stat) throws(Problem) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw .unreadable("is a directory, not a file")
        case S_IFIFO: throw .unreadable("is a FIFO (named pipe), not a regular file")
        case S_IFCHR, S_IFBLK: throw .unreadable("is a device, not a regular file")
        case S_IFSOCK: throw .unreadable("is a socket, not a regular file")
        default: throw .unreadable("is not a regular file")
        }
    }
}

/// The current `errno` in words.
func errnoText() -> String { String(cString: strerror(errno)) }
