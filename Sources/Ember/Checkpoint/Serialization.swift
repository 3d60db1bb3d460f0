import Foundation

/// Saves `value` to `path`, atomically, in the format the extension names, as `torch.save`
/// does for `.pt` files:
/// - `.safetensors`: the tensors under dotted keys (`state.0.exp_avg`), the structure and the
///   non-tensor values in the metadata (`ember.structure`), so `load(from:)` gives the value
///   back; a plain state dict is stored as PyTorch's `safetensors.torch.save_file` stores it.
/// - `.npz`: one array per tensor under the same keys (and the structure, when the value is not
///   a dict of tensors, as the UTF-8 bytes of an `ember.structure` array), deflated when
///   `compressed` is set (`numpy.savez_compressed`); `.npy`: one tensor.
/// - anything else (`.pt`, `.pth`, `.bin`): PyTorch's zip format, which
///   `torch.load(path, weights_only=True)` reads.
public func save(_ value: SavedValue, to path: String, compressed: Bool = false) throws(SerializationError) {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "safetensors":
        let (tensors, structure) = try layout(value, path, "safetensors file")
        var metadata = ["format": "pt"]
        metadata[SavedValueLayout.structureKey] = structure
        do { try SafeTensors.save(tensors, to: path, metadata: metadata) } catch { throw SerializationError(error) }
    case "npz":
        var (tensors, structure) = try layout(value, path, NumPy.format)
        if let structure { tensors.append((SavedValueLayout.structureKey, Tensor(Array(structure.utf8), shape: [structure.utf8.count], dtype: .uint8))) }
        try NumPy.saveArchive(tensors, to: path, compressed: compressed)
    case "npy":
        guard let t = value.tensor else {
            throw SerializationError(.unexpectedValue, path: path, format: NumPy.format, "an .npy file holds one tensor, not a \(value.kindName) (use .npz)")
        }
        try NumPy.save(t, to: path)
    default:
        try TorchFileWriter.save(value, to: path)
    }
}

/// The value saved in the file at `path`, whatever its format (told by its first bytes, not its
/// name): a PyTorch checkpoint (zip or legacy), an `.npz` archive (a dict of its arrays), an
/// `.npy` file (a tensor), or safetensors (a dict of its tensors, or the structure `save(_:to:)`
/// recorded). Nothing from the file is executed: pickles are read as
/// `torch.load(weights_only=True)` reads them. PyTorch: `torch.load(path, weights_only=True)`.
public func load(from path: String) throws(SerializationError) -> SavedValue {
    let value = try MappedFile.withBytes(path, failure: { SerializationError(.cannotRead, path: path, format: "file", $0) }) {
        bytes throws(SerializationError) -> SavedValue? in
        var format = TorchFileReader.format
        do throws(PickleError) {
            if bytes.starts(with: NumPy.magic) {
                format = NumPy.format
                return .tensor(try NumPy.decode(bytes))
            }
            if bytes.starts(with: TorchFileReader.legacyMagic) { return try TorchFileReader.loadLegacy(bytes) }
            guard ZipArchive.looksLikeZip(bytes) else { return nil }
            let archive: ZipArchive
            do throws(ZipError) { archive = try ZipArchive(bytes) } catch { throw PickleError(.damaged, error.reason) }
            // A zip of .npy arrays without a PyTorch pickle is NumPy's; any other zip is read as
            // PyTorch's (whose reader says what is wrong).
            guard NumPy.isArchive(archive) else { return try TorchFileReader.load(archive) }
            format = NumPy.format
            var arrays = try NumPy.arrays(in: archive)
            let structure = arrays.firstIndex { $0.0 == SavedValueLayout.structureKey }.map { arrays.remove(at: $0).1 }
            let text = structure.map { String(decoding: UnsafeRawBufferPointer(start: $0.pointer, count: $0.numel * $0.elementSize), as: UTF8.self) }
            do throws(SavedValueError) { return try SavedValueLayout.unflatten(arrays, structure: text) } catch { throw PickleError(.damaged, error.description) }
        } catch {
            throw SerializationError(error.kind, path: path, format: format, error.reason)
        }
    }
    if let value { return value }
    let (tensors, metadata): ([(String, Tensor)], [String: String]?)
    do { (tensors, metadata) = try SafeTensors.loadWithMetadata(from: path) } catch { throw SerializationError(error) }
    do { return try SavedValueLayout.unflatten(tensors, structure: metadata?[SavedValueLayout.structureKey]) } catch {
        throw SerializationError(.damaged, path: path, format: "safetensors file", error.description)
    }
}

/// `SavedValueLayout.flatten`, its errors naming the file.
private func layout(_ value: SavedValue, _ path: String, _ format: String) throws(SerializationError)
    -> (tensors: [(String, Tensor)], structure: String?) {
    do { return try SavedValueLayout.flatten(value) } catch {
        throw SerializationError(.unexpectedValue, path: path, format: format, error.description)
    }
}

extension SerializationError {
    /// A safetensors error in this type's terms.
    init(_ error: SafeTensorsError) {
        let kind: Kind = switch error.kind {
        case .cannotRead: .cannotRead
        case .cannotWrite: .cannotWrite
        case .otherFormat: .unknownFormat
        case .unsupportedDType: .unsupported
        default: .damaged
        }
        self.init(kind, path: error.path, format: "safetensors file", (error.key.map { "tensor '\($0)': " } ?? "") + error.reason)
    }
}

extension Module {
    /// Loads a state dict that PyTorch saved (`torch.save(model.state_dict(), path)`, zip or
    /// legacy format), or any file `load(from:)` reads, into this model. A file that is not a
    /// state dict throws `SerializationError`; missing, unexpected or wrongly shaped keys throw
    /// `LoadStateDictError`; either way the model is left unchanged.
    /// PyTorch: `model.load_state_dict(torch.load(path, weights_only=True), strict)`.
    @discardableResult
    public func load(fromPyTorch path: String, strict: Bool = true) throws -> IncompatibleKeys {
        let value = try Ember.load(from: path)
        let stateDict: StateDict
        do { stateDict = try value.stateDict() } catch {
            throw SerializationError(.unexpectedValue, path: path, format: "file", error.description)
        }
        return try loadStateDict(stateDict, strict: strict)
    }
}
