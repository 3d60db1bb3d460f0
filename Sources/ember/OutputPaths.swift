import ArgumentParser
import Foundation

/// Checks, before any work, that the run can write where an option says: a bad `--out` or
/// `--json` is reported at once, naming the option, rather than after an epoch of training.
enum OutputPaths {
    /// `path` is a writable directory, or can be created as one (its nearest existing ancestor
    /// is a writable directory).
    static func checkDirectory(_ path: String, option: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ValidationError("\(option): '\(path)' exists and is not a directory") }
            guard access(path, W_OK | X_OK) == 0 else { throw ValidationError("\(option): directory '\(path)' is not writable") }
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

    /// `path` can be written as a file: its directory exists and is writable, and it is not a
    /// directory itself.
    static func checkFile(_ path: String, option: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option): directory '\(dir)' does not exist")
        }
        guard access(dir, W_OK | X_OK) == 0 else { throw ValidationError("\(option): directory '\(dir)' is not writable") }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("\(option): '\(path)' is a directory")
        }
    }
}
