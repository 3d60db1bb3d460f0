/// A PyTorch checkpoint, NumPy file or zip archive that cannot be read or written: which file,
/// in which format, and why. Safetensors files have their own `SafeTensorsError`.
public struct SerializationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that wants to react to one failure and not another.
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened or read.
        case cannotRead
        /// The file (or its temporary sibling) could not be written or renamed into place.
        case cannotWrite
        /// The file is in none of the formats Ember reads.
        case unknownFormat
        /// The file is truncated or its parts contradict each other.
        case damaged
        /// A pickle asks for something `torch.load(weights_only=True)` refuses: a global outside
        /// the allowed set, or an opcode it does not run. Nothing was executed.
        case refused
        /// Valid, but holds something Ember has no counterpart for (a complex dtype, a huge integer).
        case unsupported
        /// The value is not what the caller asked for (a state dict that is not a dict of tensors).
        case unexpectedValue
    }

    /// The file's path, as given.
    public let path: String
    /// The kind of file, in words: "PyTorch file", "NumPy file".
    public let format: String
    /// The kind of failure.
    public let kind: Kind
    /// What is wrong, in words.
    public let reason: String

    init(_ kind: Kind, path: String, format: String, _ reason: String) {
        self.kind = kind
        self.path = path
        self.format = format
        // One line: control characters from names in the file are escaped.
        self.reason = reason.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
    }

    /// For example `PyTorch file 'model.pt': Unsupported global: GLOBAL posix.system ...`.
    public var description: String { "\(format) '\(path)': \(reason)" }
}
