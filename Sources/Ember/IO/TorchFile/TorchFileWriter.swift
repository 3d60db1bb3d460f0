import Foundation

/// Writes PyTorch's zip checkpoint format as `torch.save` does (torch 2.x): `<name>/data.pkl`,
/// `.format_version`, `.storage_alignment`, `byteorder`, each storage as `<name>/data/<key>`
/// (keys numbered in order of first use, data 64-byte aligned), `version`, and
/// `.data/serialization_id`: 40 decimal digits (PyTorch's are a hash of the record names and a
/// combined CRC-32 of their contents; Ember's are random, since `torch.load` only passes them on
/// to its checkpoint tools as an identity). Tensors that share
/// a storage are written once and come back as views of it in PyTorch; a view saves its whole
/// storage, as in PyTorch.
enum TorchFileWriter {
    /// Writes `value` to `path` atomically.
    static func save(_ value: SavedValue, to path: String) throws(SerializationError) {
        var keys: [StorageIdentity: String] = [:]
        var storages: [(key: String, storage: Storage)] = []
        var pickle = PickleWriter { t in
            let identity = StorageIdentity(storage: ObjectIdentifier(t.storage), dtype: t.dtype)
            let key = keys[identity] ?? {
                let key = String(storages.count)
                keys[identity] = key
                storages.append((key, t.storage))
                return key
            }()
            return (TorchGlobals.storageName(t.dtype), key, t.storage.byteCount / t.dtype.itemSize)
        }
        pickle.finish(value)
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        let name = !stem.isEmpty && stem.allSatisfy(allowed.contains) ? stem : "archive"
        let fail = { (reason: String) in SerializationError(.cannotWrite, path: path, format: TorchFileReader.format, reason) }
        try AtomicFile.write(to: path, failure: fail) { file throws(SerializationError) in
            var zip = ZipWriter(file, failure: fail)
            func text(_ record: String, _ contents: String) throws(SerializationError) {
                try Array(contents.utf8).withBytes { raw throws(SerializationError) in try zip.add(name + "/" + record, raw, alignment: 64) }
            }
            try pickle.bytes.withBytes { raw throws(SerializationError) in try zip.add(name + "/data.pkl", raw, alignment: 64) }
            try text(".format_version", "1")
            try text(".storage_alignment", "64")
            try text("byteorder", "little")
            for (key, storage) in storages {
                try zip.add(name + "/data/" + key, UnsafeRawBufferPointer(start: storage.data, count: storage.byteCount), alignment: 64)
            }
            try text("version", "3\n")
            try text(".data/serialization_id", serializationID())
            try zip.finish()
        }
    }

    /// Two random 64-bit numbers as 20 decimal digits each: the file's identity.
    private static func serializationID() -> String {
        (0..<2).map { _ in
            let digits = String(UInt64.random(in: .min ... .max))
            return String(repeating: "0", count: 20 - digits.count) + digits
        }.joined()
    }

    /// A storage read as one dtype: two dtypes over one storage are written as two records.
    private struct StorageIdentity: Hashable {
        let storage: ObjectIdentifier
        let dtype: DType
    }
}
