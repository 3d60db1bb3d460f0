/// A training output file (metrics CSV, TensorBoard events, figure) that could not be written:
/// which file and why. Nothing is left half-written: each file is replaced whole or not at all.
public struct TrainingOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path, as given.
    public let path: String
    /// What is wrong, in words.
    public let reason: String

    init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    /// For example `cannot write 'runs/metrics.csv': cannot create '...': Permission denied`.
    public var description: String { "cannot write '\(path)': \(reason)" }

    /// Writes `bytes` to `path` whole or not at all: through an exclusively created temporary
    /// file, flushed and renamed into place (see `AtomicFile`).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(TrainingOutputError) {
        try AtomicFile.write(to: path, failure: { TrainingOutputError(path: path, $0) }) { file throws(TrainingOutputError) in
            try file.write(bytes)
        }
    }
}
