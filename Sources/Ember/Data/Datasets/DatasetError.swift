/// A dataset that cannot be read from disk: which file or directory, and what was expected.
/// torchvision raises `RuntimeError("Dataset not found...")` or fails while parsing; Ember
/// throws this instead, so a bad download never crashes the program.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that wants to react to one failure and not another.
    public enum Kind: Sendable, Equatable {
        /// The data directory or one of its files does not exist, or a directory holds none of
        /// the files expected (torchvision's `FileNotFoundError`).
        case missing
        /// The file exists but could not be opened or read (permissions, corrupt compression).
        case cannotRead
        /// The bytes are not laid out as the format requires (bad magic, sizes not matching, an
        /// image that does not decode).
        case invalidFormat
        /// A label outside the dataset's classes.
        case labelOutOfRange
    }

    /// The file or directory, as given.
    public let path: String
    /// The kind of failure.
    public let kind: Kind
    /// What is wrong, in words.
    public let reason: String

    init(_ kind: Kind, path: String, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    /// For example `dataset file 'data/train-labels-idx1-ubyte': label 12 at index 5 is out of
    /// range; expected 0..<10`.
    public var description: String { "dataset file '\(path)': \(reason)" }
}

extension DatasetError {
    /// The error for a file that `RegularFile` could not open or read: `.missing` when nothing is
    /// at the path, `.cannotRead` otherwise.
    init(_ problem: RegularFile.Problem, path: String) {
        switch problem {
        case .missing(let reason): self.init(.missing, path: path, reason)
        case .unreadable(let reason): self.init(.cannotRead, path: path, reason)
        }
    }
}
