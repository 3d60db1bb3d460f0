import CZlib
import Foundation
@testable import Ember

/// The parsers of outside data, one fuzz target each: `run` hands bytes to the parser the way a
/// user's file reaches it (written to disk under the names Ember looks for), and `seeds` are
/// valid files of that format, the corpus a fuzzing run starts from. A parser may refuse any
/// input with its typed error; it must never crash, hang or allocate what the input only claims.
enum FuzzTarget: String, CaseIterable {
    /// safetensors files: the header length, the JSON header, dtypes, shapes, offsets, metadata.
    case safetensors
    /// Ember's training checkpoints: groups, the optimizer's JSON parameter groups, state shapes.
    case checkpoint
    /// Fashion-MNIST/MNIST IDX files, plain: the first byte says which of the two files of a
    /// split the rest is (even: the images, odd: the labels); the other one is made to match.
    case mnist
    /// As `mnist`, the fuzzed file read as gzip (`.gz`): the gzip container and its inflation.
    case mnistGzip = "mnist-gzip"
    /// CIFAR-10 binary batches (`test_batch.bin`).
    case cifar
    /// PNG images through libpng, as `ImageFolder` and `ember predict` read them.
    case png
    /// The JSON reader of safetensors headers and checkpoint metadata, on its own.
    case json
    /// `metrics.csv` of a run being resumed.
    case metrics
    /// PyTorch checkpoints (`.pt`): the zip and legacy formats, their records and storages.
    case pytorch
    /// The weights-only unpickler on its own: opcodes, the stack, the memo, globals, tensor rebuilds.
    case pickle
    /// Zip archives on their own: end records, zip64, the central directory, inflating.
    case zip
    /// NumPy `.npy` files: the header literal, dtypes, shapes, Fortran order.
    case npy
    /// NumPy `.npz` archives of `.npy` files, stored and deflated.
    case npz
    /// A language model's text corpus, plain and in fortune(6) layout.
    case text

    /// Feeds `bytes` to the parser, with `dir` an empty directory for the files. Returns the
    /// error the parser threw, or nil when it accepted the input.
    func run(_ bytes: [UInt8], in dir: String) -> (any Error)? {
        do {
            switch self {
            case .safetensors:
                let file = try write(bytes, dir + "/model.safetensors")
                _ = try SafeTensors.loadWithMetadata(from: file)
            case .checkpoint:
                let file = try write(bytes, dir + "/checkpoint.safetensors")
                let (model, optimizer) = Self.trainingState()
                _ = try TrainingCheckpoint.load(from: file, model: model, optimizer: optimizer)
            case .mnist, .mnistGzip:
                guard let selector = bytes.first else { return nil }
                let gz = self == .mnistGzip ? ".gz" : ""
                let images = dir + "/train-images-idx3-ubyte", labels = dir + "/train-labels-idx1-ubyte"
                let fuzzed = try write(Array(bytes.dropFirst()), (selector % 2 == 0 ? images : labels) + gz)
                // The other file holds as many items as the fuzzed one's header claims (capped).
                let header = Self.prefix(8, of: fuzzed)
                let claimed = header.count == 8 ? min(header[4..<8].reduce(0) { $0 << 8 | Int($1) }, 1000) : 1
                if selector % 2 == 0 {
                    _ = try write(Self.idx([claimed], Array(repeating: 0, count: claimed)), labels)
                } else {
                    _ = try write(Self.idx([claimed, 2, 2], Array(repeating: 7, count: 4 * claimed)), images)
                }
                _ = try MNIST(root: dir, train: true)
            case .cifar:
                _ = try write(bytes, dir + "/test_batch.bin")
                _ = try CIFAR10(root: dir, train: false)
            case .png:
                let file = try write(bytes, dir + "/image.png")
                for channels in [1, 3, 4] { _ = try PNGFile.read(file, channels: channels) }
            case .json:
                _ = try bytes.withUnsafeBytes { raw throws(HeaderJSONError) in try HeaderJSON.parse(raw) }
            case .metrics:
                let file = try write(bytes, dir + "/metrics.csv")
                _ = try MetricsCSV(resuming: file, columns: ["epoch", "loss", "accuracy"], through: 3)
            case .pytorch:
                _ = try load(from: try write(bytes, dir + "/model.pt"))
            case .pickle:
                // Every persistent id gets a 16-element float32 storage.
                let unpickler = Unpickler { _ throws(PickleError) in .storage(TypedStorage(Storage(byteCount: 64), dtype: .float32)) }
                _ = try bytes.withBytes { raw throws(PickleError) in try unpickler.load(raw, maxValues: raw.count + 1000) }
            case .zip:
                try bytes.withBytes { raw throws(ZipError) in
                    let archive = try ZipArchive(raw)
                    for entry in archive.entries { _ = try archive.bytes(of: entry, limit: 1 << 20) }
                }
            case .npy:
                _ = try NumPy.load(from: try write(bytes, dir + "/array.npy"))
            case .npz:
                _ = try NumPy.loadArchive(from: try write(bytes, dir + "/arrays.npz"))
            case .text:
                let file = try write(bytes, dir + "/corpus.txt")
                _ = try TextFile(file).corpus()
                _ = try TextFile(file, format: .fortune).corpus(.word)
            }
        } catch {
            return error
        }
        return nil
    }

    /// Valid files of the format, named.
    func seeds() -> [(name: String, bytes: [UInt8])] {
        switch self {
        case .safetensors:
            let tensors: [(String, Tensor)] = [
                ("weight", Tensor.arange(6, dtype: .float32).reshape([2, 3])), ("bias", Tensor([1.5, -2], dtype: .float64)),
                ("mask", Tensor([true, false, true])), ("counts", Tensor([1, 2, 3], dtype: .int64)),
                ("half", Tensor([0.5, 1], dtype: .float16)), ("brain", Tensor([0.25], dtype: .bfloat16)),
                ("bytes", Tensor([1, 2], dtype: .uint8)), ("scalar", Tensor(3.0)), ("empty", Tensor.zeros([0, 4])),
            ]
            return [("tensors", Self.saved { try SafeTensors.save(tensors, to: $0, metadata: ["format": "pt", "epoch": "3"]) }),
                    ("bare", Self.saved { try SafeTensors.save([("x", Tensor([1.0]))], to: $0) })]
        case .checkpoint:
            let (model, optimizer) = Self.trainingState()
            model(Tensor.ones([2, 4])).sum().backward()
            optimizer.step()
            return [("adam", Self.saved { try TrainingCheckpoint.save(model: model, optimizer: optimizer, metadata: ["epoch": "1"], to: $0) })]
        case .mnist, .mnistGzip:
            let images = Self.idx([3, 4, 4], (0..<48).map { UInt8($0 * 5) }), labels = Self.idx([3], [0, 9, 4])
            let pack = self == .mnist ? { $0 } : Self.gzip
            return [("images", [0] + pack(images)), ("labels", [1] + pack(labels))]
        case .cifar:
            var records: [UInt8] = []
            for i in 0..<3 {
                records.append(UInt8(i * 3))
                records += (0..<3072).map { (p: Int) in UInt8(truncatingIfNeeded: p * (i + 1)) }
            }
            return [("batch", records)]
        case .png:
            let gradient = (0..<(5 * 7 * 3)).map { UInt8(truncatingIfNeeded: $0 * 3) }
            return [("rgb", try! PNGFile.encode(width: 7, height: 5, gradient)),
                    ("pixel", try! PNGFile.encode(width: 1, height: 1, [255, 0, 128]))]
        case .json:
            return [("header", Array(#"{"__metadata__":{"a":"b\u00e9\n"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"n":[1.5e-3,-2,true,false,null]}"#.utf8))]
        case .metrics:
            return [("run", Array("epoch,loss,accuracy\n1,0.52,0.81\n2,0.43,0.845\n3,0.4,0.86\n4,0.38,0.87\n".utf8))]
        case .pytorch:
            return [("zip", Self.saved { try save(Self.mixedValue(), to: $0 + ".pt"); try FileManager.default.moveItem(atPath: $0 + ".pt", toPath: $0) }),
                    ("legacy", Self.fixture("mixed_legacy.pt")), ("optimizer", Self.fixture("adam.pt"))]
        case .pickle:
            var writer = PickleWriter { t in (TorchGlobals.storageName(t.dtype), "0", 16 * 4 / t.dtype.itemSize) }
            writer.finish(Self.mixedValue(storageElements: 16))
            return [("object", writer.bytes)]
        case .zip:
            return [("pytorch", Self.fixture("mixed.pt")), ("deflated", Self.fixture("arrays_compressed.npz"))]
        case .npy:
            let matrix = Tensor.arange(12, dtype: .float64).reshape([3, 4])
            return [("c", Self.saved { try NumPy.save(matrix, to: $0 + ".npy"); try FileManager.default.moveItem(atPath: $0 + ".npy", toPath: $0) }),
                    ("fortran", Self.fixture("fortran.npy")), ("v2", Self.fixture("v2.npy"))]
        case .npz:
            return [("stored", Self.fixture("arrays.npz")), ("deflated", Self.fixture("arrays_compressed.npz"))]
        case .text:
            return [("poem", Array("床前明月光，\n疑是地上霜。\n%\nthe time machine\n".utf8))]
        }
    }

    /// A dict with tensors of several dtypes, a view, nested containers and plain values; with
    /// `storageElements`, every tensor fits a float32 storage of that many elements.
    private static func mixedValue(storageElements: Int? = nil) -> SavedValue {
        let w = Tensor.arange(6, dtype: .float32).reshape([2, 3])
        let small = storageElements != nil
        return ["w": .tensor(w), "wt": .tensor(w.t()), "h": .tensor(Tensor([0.5, 1], dtype: small ? .float32 : .float16)),
                "n": .tensor(Tensor([1, 2, 3], dtype: small ? .float32 : .int64)), "mask": .tensor(Tensor([true, false])),
                "nested": ["a": [.tensor(w), 1, 2.5, "text", nil, true], "b": .tuple([3, -70000, .int(1 << 40)])], 7: .bytes([0, 255])]
    }

    /// A file of `Tests/Fixtures/torchfiles/`, written by PyTorch or NumPy.
    private static func fixture(_ name: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures/torchfiles/" + name)
        return Array(FileManager.default.contents(atPath: url.path)!)
    }

    /// The model and optimizer the checkpoint target restores into.
    private static func trainingState() -> (Module, Optimizer) {
        manualSeed(0)
        let model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
        return (model, Adam(model.parameters(), lr: 0.01))
    }

    /// An IDX file of unsigned bytes.
    private static func idx(_ dims: [Int], _ data: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in (0..<4).reversed().map { UInt8(truncatingIfNeeded: d >> (8 * $0)) } } + data
    }

    /// The first `count` bytes of the data in `path`, inflated when it is gzip.
    private static func prefix(_ count: Int, of path: String) -> [UInt8] {
        guard let file = gzopen(path, "rb") else { return [] }
        defer { gzclose(file) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(count)) }
        return Array(bytes.prefix(max(Int(n), 0)))
    }

    /// `bytes` gzip-compressed.
    private static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        saved { path in
            let file = gzopen(path, "wb")
            _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
            gzclose(file)
        }
    }

    /// What `write` puts in a temporary file.
    private static func saved(_ write: (String) throws -> Void) -> [UInt8] {
        let path = NSTemporaryDirectory() + "ember-fuzz-seed-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        try! write(path)
        return Array(FileManager.default.contents(atPath: path)!)
    }

    private func write(_ bytes: [UInt8], _ path: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
