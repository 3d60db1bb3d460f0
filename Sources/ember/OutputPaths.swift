import ArgumentParser
import Foundation

/// Checks, before any work, that the run can write where an option says: a bad `--out` or
/// `--json` is reported at once, naming the option, rather than after an epoch of training.
enum OutputPaths {
    /// `path` is a writable directory, or can be created as one (its nearest existing ancestor
    /// is a writable directory); of the `files` the run will write in it, none that exists is
    /// anything but a regular file or a symbolic link.
    static func checkDirectory(_ path: String, option: String, files: [String] = []) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ValidationError("\(option): '\(path)' exists and is not a directory") }
            guard access(path, W_OK | X_OK) == 0 else { throw ValidationError("\(option): directory '\(path)' is not writable") }
            for name in files { try checkReplaceable(path + "/" + name, option: option) }
            return
        }
        var ancestor = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isDirectory.boolValue else {
            throw ValidationError("\(option): cannot create '\(path)': '\(ancestor.path)' is not a directory")
        }
        guard access(ancestor.path, W_OK | X_OK) == 0 else {
            throw ValidationError("\(option): cannot create '\(path)': directory '\(ancestor.path)' is not writable")
        }
    }

    /// `path` can be written as a file: its directory exists and is writable, and nothing is
    /// there but a regular file or a symbolic link (which the write replaces, as `AtomicFile`
    /// does): not a directory, a FIFO, a device or a socket, which a write would replace by a
    /// file (or, for a FIFO read by another program, block on).
    static func checkFile(_ path: String, option: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option): directory '\(dir)' does not exist")
        }
        guard access(dir, W_OK | X_OK) == 0 else { throw ValidationError("\(option): directory '\(dir)' is not writable") }
        try checkReplaceable(path, option: option)
    }

    /// Throws unless nothing is at `path`, or a regular file or a symbolic link (`lstat`).
    private static func checkReplaceable(_ path: String, option: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let what: String
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFLNK: return
        case S_IFDIR: throw ValidationError("\(option): '\(path)' is a directory")
        case S_IFIFO: what = "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: what = "a device"
        case S_IFSOCK: what = "a socket"
        default: what = "something else"
        }
        throw ValidationError("\(option): '\(path)' is \(what), not a regular file")
    }
}
