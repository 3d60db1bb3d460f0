/// A safetensors file that cannot be read or written: which file, which tensor (when one is to
/// blame) and why. PyTorch's counterpart is `safetensors.SafetensorError`.
public struct SafeTensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that wants to react to one failure and not another.
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened or read.
        case cannotRead
        /// The file (or its temporary sibling) could not be written or renamed into place.
        case cannotWrite
        /// A file of another format: a PyTorch `.pt` (zip archive or legacy pickle), a NumPy
        /// `.npy`, a gzip file.
        case otherFormat
        /// Shorter than the 8-byte header length.
        case headerTooSmall
        /// The header length is above the 100 MB limit the Python package enforces.
        case headerTooLarge
        /// The header length runs past the end of the file.
        case invalidHeaderLength
        /// The header is not UTF-8, not JSON, or not laid out as safetensors requires.
        case invalidHeader
        /// A dtype name the format does not define.
        case unknownDType
        /// A dtype the format defines but Ember has no tensor type for (U16, F8_E4M3, ...).
        case unsupportedDType
        /// A tensor's byte range is reversed, out of the data section, overlapping, after a gap,
        /// or of the wrong size for its shape and dtype.
        case invalidOffsets
        /// Bytes left after the last tensor.
        case trailingBytes
        /// A valid safetensors file that is not laid out as an Ember `Checkpoint`.
        case invalidCheckpoint
    }

    /// The file's path, as given.
    public let path: String
    /// The tensor the problem is in, if one is to blame.
    public let key: String?
    /// The kind of failure.
    public let kind: Kind
    /// What is wrong, in words.
    public let reason: String

    init(_ kind: Kind, path: String, key: String? = nil, _ reason: String) {
        self.kind = kind
        self.path = path
        self.key = key
        self.reason = reason
    }

    /// For example `safetensors file 'model.safetensors', tensor 'fc.weight': data_offsets [0, 12]
    /// hold 12 bytes, but shape [2, 3] of F32 needs 24`.
    public var description: String {
        "safetensors file '\(path)'" + (key.map { ", tensor '\($0)'" } ?? "") + ": " + reason
    }
}
