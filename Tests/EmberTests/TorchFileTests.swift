import CZlib
import Foundation
import Testing
@testable import Ember

// PyTorch's and NumPy's files, written by `scripts/fixtures/torchfiles.py` (torch 2.15, NumPy 2.4)
// into `Tests/Fixtures/torchfiles/`, with `expected.json` describing what
// `torch.load(path, weights_only=True)` / `np.load` give for each.

private let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/torchfiles").path

private let expectedFiles: [String: JSONValue] = {
    let all: [String: JSONValue] = loadFixtures("torchfiles/expected.json")
    return all["files"]!.object
}()

/// A fresh directory for files a test writes.
private func scratchDirectory() -> String {
    let dir = NSTemporaryDirectory() + "ember-torchfiles-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Checks `value` against the fixture's description of it. `layout` also compares strides,
/// offsets, `requiresGrad` and which tensors share a storage (`storages` maps the fixture's ids to storages seen).
private func expectSame(_ value: SavedValue, _ node: JSONValue, _ path: String, layout: Bool = true,
                        storages: inout [String: ObjectIdentifier], sourceLocation: SourceLocation = #_sourceLocation) {
    let (kind, body) = node.object.first!
    switch (kind, value) {
    case ("tensor", .tensor(let t)):
        let fields = body.object
        let expected = FixtureTensor(dtype: fields["dtype"]!.string, shape: fields["shape"]!.ints, values: fields["values"]!.array)
        expectMatches(t, expected, path, tolerance: { _ in 0 }, sourceLocation: sourceLocation)
        guard layout else { return }
        if let grad = fields["requires_grad"] { #expect(t.requiresGrad == grad.bool, "\(path): requires_grad", sourceLocation: sourceLocation) }
        if let stride = fields["stride"] { #expect(t.strides == stride.ints, "\(path): strides \(t.strides)", sourceLocation: sourceLocation) }
        if let offset = fields["offset"], t.numel > 0 {
            #expect(t.storageOffset == offset.int, "\(path): offset \(t.storageOffset)", sourceLocation: sourceLocation)
        }
        if let id = fields["storage"]?.string, t.numel > 0 {
            let mine = ObjectIdentifier(t.storage)
            if let seen = storages[id] {
                #expect(seen == mine, "\(path): should share storage \(id)", sourceLocation: sourceLocation)
            } else {
                #expect(!storages.values.contains(mine), "\(path): shares a storage it should not", sourceLocation: sourceLocation)
                storages[id] = mine
            }
        }
    case ("dict", .dict(let pairs)):
        let items = body.array
        #expect(pairs.count == items.count, "\(path): \(pairs.count) entries, expected \(items.count)", sourceLocation: sourceLocation)
        for (pair, item) in zip(pairs, items) {
            let key = item.array[0]
            switch key {
            case .string(let s): #expect(pair.key.description == "'\(s)'", "\(path): key \(pair.key), expected '\(s)'", sourceLocation: sourceLocation)
            default: #expect(pair.key.description == "\(key.int)", "\(path): key \(pair.key), expected \(key.int)", sourceLocation: sourceLocation)
            }
            expectSame(pair.value, item.array[1], "\(path).\(pair.key.description)", layout: layout, storages: &storages, sourceLocation: sourceLocation)
        }
    case ("list", .list(let values)), ("tuple", .tuple(let values)):
        let items = body.array
        #expect(values.count == items.count, "\(path): \(values.count) items, expected \(items.count)", sourceLocation: sourceLocation)
        for (i, (v, item)) in zip(values, items).enumerated() {
            expectSame(v, item, "\(path)[\(i)]", layout: layout, storages: &storages, sourceLocation: sourceLocation)
        }
    case ("int", .int(let v)): #expect(Double(v) == body.double, "\(path)", sourceLocation: sourceLocation)
    case ("float", .float(let v)): #expect(v == body.double, "\(path)", sourceLocation: sourceLocation)
    case ("str", .string(let v)): #expect(v == body.string, "\(path)", sourceLocation: sourceLocation)
    case ("bool", .bool(let v)): #expect(v == body.bool, "\(path)", sourceLocation: sourceLocation)
    case ("none", .none): break
    default: Issue.record("\(path): got \(value.kindName), expected \(kind)", sourceLocation: sourceLocation)
    }
}

private func expectSame(_ value: SavedValue, _ file: String, layout: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
    var storages: [String: ObjectIdentifier] = [:]
    expectSame(value, expectedFiles[file]!, file, layout: layout, storages: &storages, sourceLocation: sourceLocation)
}

@Suite struct TorchFileTests {
    @Test(arguments: ["mixed.pt", "mixed_legacy.pt", "adam.pt", "adam_legacy.pt", "adam_model.pt"])
    func pytorchFilesLoadAsTorchLoadGivesThem(_ file: String) throws {
        let value = try load(from: fixtureDir + "/" + file)
        expectSame(value, file)
    }

    @Test(arguments: ["arrays.npz", "arrays_compressed.npz", "f4.npy", "fortran.npy", "v2.npy"])
    func numpyFilesLoadAsNumPyGivesThem(_ file: String) throws {
        expectSame(try load(from: fixtureDir + "/" + file), file)
    }

    @Test func fortranOrderComesBackColumnMajorAndIsWrittenSo() throws {
        let t = try NumPy.load(from: fixtureDir + "/fortran.npy")
        #expect(t.shape == [3, 4] && t.strides == [1, 3])
        let dir = scratchDirectory()
        try NumPy.save(t, to: dir + "/f.npy")
        let header = String(decoding: FileManager.default.contents(atPath: dir + "/f.npy")!.prefix(128), as: UTF8.self)
        #expect(header.contains("'fortran_order': True"))
        #expect(try NumPy.load(from: dir + "/f.npy").strides == [1, 3])
        #expect(FileManager.default.contents(atPath: dir + "/f.npy")!.count % 64 == FileManager.default.contents(atPath: fixtureDir + "/fortran.npy")!.count % 64)
    }

    /// The zoo's ResNet-18 state dict as PyTorch saved it in both formats (every value set by a
    /// formula, so the 45 MB file gzips to 227 KB): every key, dtype, shape and value, and Ember's
    /// `ResNet` loads it.
    @Test(arguments: ["resnet18_pattern.pt.gz", "resnet18_pattern_legacy.pt.gz"])
    func pytorchResNet18StateDictLoadsIntoEmbersResNet(_ file: String) throws {
        let dir = scratchDirectory()
        let path = dir + "/resnet18.pt"
        let gz = gzopen(fixtureDir + "/" + file, "rb")!
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            if n <= 0 { break }
            data.append(contentsOf: chunk[0..<Int(n)])
        }
        gzclose(gz)
        try data.write(to: URL(fileURLWithPath: path))

        let stateDict = try load(from: path).stateDict()
        let expected = expectedFiles[file]!.object["state_dict"]!.array
        #expect(stateDict.keys == expected.map { $0.array[0].string })
        for entry in expected {
            let (key, dtype, shape) = (entry.array[0].string, fixtureDType(entry.array[1].string), entry.array[2].ints)
            let t = stateDict[key]!
            #expect(t.dtype == dtype && t.shape == shape, "\(key)")
            let values = t.toDoubles()
            let pattern = values.indices.map { i in dtype.isFloatingPoint ? Double(i % 251 - 125) / 128 : Double(i % 7) }
            #expect(values == pattern, "\(key)")
        }
        let model = ResNet()
        try model.load(fromPyTorch: path)
        #expect(model.stateDict()["0.weight"]!.toDoubles() == stateDict["0.weight"]!.toDoubles())
    }

    @Test(arguments: ["evil.pt", "evil_legacy.pt", "evil_builtins.pt"])
    func picklesNamingOtherGlobalsAreRefusedAndNothingRuns(_ file: String) throws {
        let marker = "/tmp/ember-evil-marker"
        try? FileManager.default.removeItem(atPath: marker)
        let error = try #require(throws: SerializationError.self) { try load(from: fixtureDir + "/" + file) }
        #expect(error.kind == .refused)
        #expect(error.description.contains(file == "evil_builtins.pt" ? "GLOBAL builtins.eval" : "GLOBAL posix.system"), "\(error)")
        #expect(error.description.hasPrefix("PyTorch file '\(fixtureDir)/\(file)': "))
        #expect(!error.description.contains("\n"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// Ember's `.pt` files read back with every value, stride, offset and shared storage as
    /// PyTorch saved them (`scripts/fixtures/torchfiles_check.py` checks that torch.load reads them).
    @Test(arguments: ["mixed.pt", "mixed_legacy.pt", "adam.pt"])
    func pytorchFilesRoundTripThroughEmbersWriter(_ file: String) throws {
        let dir = scratchDirectory()
        try save(try load(from: fixtureDir + "/" + file), to: dir + "/out.pt")
        expectSame(try load(from: dir + "/out.pt"), file)
        let bytes = try #require(FileManager.default.contents(atPath: dir + "/out.pt"))
        #expect(bytes.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
        // torch.save's last record: 40 random decimal digits.
        try bytes.withUnsafeBytes { raw in
            let archive = try ZipArchive(raw)
            let id = try archive.bytes(of: try #require(archive.entry("out/.data/serialization_id")), limit: 100)
            #expect(id.count == 40 && id.allSatisfy { (0x30...0x39).contains($0) })
        }
    }

    /// Through safetensors the structure and every value come back (storages are no longer
    /// shared: the format has no views).
    @Test func valuesRoundTripThroughSafetensorsAndNpz() throws {
        let dir = scratchDirectory()
        let mixed = try load(from: fixtureDir + "/mixed.pt")
        try save(mixed, to: dir + "/mixed.safetensors")
        expectSame(try load(from: dir + "/mixed.safetensors"), "mixed.pt", layout: false)
        let flat = try SafeTensors.load(from: dir + "/mixed.safetensors").map(\.0)
        #expect(flat.contains("nested.a.0") && flat.contains("by_index.1") && flat.contains("nested.c.deep"))

        // NumPy has no bfloat16: refused with a message naming it, nothing written.
        let error = try #require(throws: SerializationError.self) { try save(mixed, to: dir + "/mixed.npz") }
        #expect(error.kind == .unsupported && error.description.contains("bfloat16"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/mixed.npz"))

        let adam = try load(from: fixtureDir + "/adam.pt")
        for name in ["adam.npz", "adam.safetensors", "adam.pth"] {
            try save(adam, to: dir + "/" + name)
            expectSame(try load(from: dir + "/" + name), "adam.pt", layout: false)
        }
        let arrays = try load(from: fixtureDir + "/arrays_compressed.npz")
        try NumPy.saveArchive(try arrays.stateDict().items.map { ($0.key, $0.value) }, to: dir + "/c.npz", compressed: true)
        expectSame(try load(from: dir + "/c.npz"), "arrays_compressed.npz", layout: false)
    }

    /// PyTorch's Adam state loads into Ember's Adam over the model PyTorch saved with it, and
    /// saves back in PyTorch's layout.
    @Test func pytorchOptimizerStateLoadsIntoEmbersAdam() throws {
        let model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
        try model.load(fromPyTorch: fixtureDir + "/adam_model.pt")
        let optimizer = Adam(model.parameters(), lr: 0.5)
        let saved = try load(from: fixtureDir + "/adam.pt")
        try optimizer.loadStateDict(try saved.optimizerState())
        #expect(optimizer.paramGroups[0].lr == 0.01)
        // A file from an older PyTorch lacks the flags added since: they load as false, as
        // PyTorch's __setstate__ sets them. A missing number is refused.
        var older = try saved.optimizerState()
        older.paramGroups[0]["decoupled_weight_decay"] = nil
        older.paramGroups[0]["amsgrad"] = nil
        try optimizer.loadStateDict(older)
        #expect(optimizer.paramGroups[0]["amsgrad"] == .bool(false))
        older.paramGroups[0]["eps"] = nil
        #expect(throws: OptimizerStateError.self) { try optimizer.loadStateDict(older) }
        try optimizer.loadStateDict(try saved.optimizerState())
        let state = optimizer.stateDict()
        #expect(state.state[3]!["exp_avg"]!.toDoubles() == saved["state"]!.optimizerStateEntry(3, "exp_avg"))

        let dir = scratchDirectory()
        try save(SavedValue(state), to: dir + "/adam.pt")
        let back = try load(from: dir + "/adam.pt").optimizerState()
        #expect(back.state[3]!["exp_avg"]!.toDoubles() == state.state[3]!["exp_avg"]!.toDoubles())
        #expect(back.paramGroups[0]["betas"] == .doubles([0.9, 0.999]) && back.paramGroups[0]["params"] == .ints([0, 1, 2, 3]))
    }

    @Test func genericSaveTakesTensorsListsAndDicts() throws {
        let dir = scratchDirectory()
        let a = Tensor([1.0, 2, 3]), b = Tensor([[true, false]])
        for ext in ["pt", "safetensors", "npz"] {
            try save(.tensor(a), to: "\(dir)/t.\(ext)")
            #expect(try load(from: "\(dir)/t.\(ext)").tensor?.toDoubles() == [1, 2, 3])
            try save(SavedValue([a, b]), to: "\(dir)/l.\(ext)")
            guard case .list(let items) = try load(from: "\(dir)/l.\(ext)") else { Issue.record("\(ext): not a list"); continue }
            #expect(items.count == 2 && items[1].tensor?.dtype == .bool && items[1].tensor?.shape == [1, 2])
            try save(["w": .tensor(a), "epoch": 3, "lr": 0.5, "name": "run", "done": nil], to: "\(dir)/d.\(ext)")
            let d = try load(from: "\(dir)/d.\(ext)")
            #expect(d["epoch"].map { "\($0)" } == "3" && d["lr"].map { "\($0)" } == "0.5" && d["name"].map { "\($0)" } == "'run'")
        }
        // Tied weights are stored once and come back as one tensor.
        try save(["x": .tensor(a), "y": .tensor(a)], to: dir + "/tied.pt")
        let tied = try load(from: dir + "/tied.pt")
        #expect(tied["x"]!.tensor! === tied["y"]!.tensor! || tied["x"]!.tensor!.storage === tied["y"]!.tensor!.storage)
    }

    /// Names and nestings a file format cannot hold are thrown errors, not stops: a value loaded
    /// from a crafted file may hold them.
    @Test func valuesTheFormatsCannotHoldAreRefused() throws {
        let dir = scratchDirectory()
        let t = Tensor([1.0])
        for (value, file) in [(["__metadata__": .tensor(t)] as SavedValue, "m.safetensors"),
                              (["ember": ["structure": .tensor(t)], "n": 1], "s.npz")] {
            let error = try #require(throws: SerializationError.self) { try save(value, to: dir + "/" + file) }
            #expect(error.kind == .unexpectedValue && error.description.contains("reserved"), "\(error)")
        }
        var deep: SavedValue = .tensor(t)
        for _ in 0..<40 { deep = [deep] }
        let error = try #require(throws: SerializationError.self) { try save(deep, to: dir + "/deep.safetensors") }
        #expect(error.description.contains("too deeply"))
        try save(deep, to: dir + "/deep.pt")  // PyTorch's format holds it
        if case .list = try load(from: dir + "/deep.pt") {} else { Issue.record("deep.pt: not a list") }
    }

    /// The zip writer's zip64 fields (past 4 GiB, forced here from byte 0) read back.
    @Test func zip64EntriesReadBack() throws {
        let dir = scratchDirectory()
        let path = dir + "/z.zip"
        let payload = (0..<1000).map { UInt8($0 % 251) }
        try AtomicFile.write(to: path, failure: { SerializationError(.cannotWrite, path: path, format: "zip", $0) }) {
            file throws(SerializationError) in
            var zip = ZipWriter(file, failure: { SerializationError(.cannotWrite, path: path, format: "zip", $0) }, zip64Threshold: 0)
            try payload.withBytes { raw throws(SerializationError) in
                try zip.add("a/data.bin", raw, alignment: 64)
                try zip.add("b.bin", raw, compress: true)
            }
            try zip.finish()
        }
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try bytes.withUnsafeBytes { raw in
            let archive = try ZipArchive(raw)
            #expect(archive.entries.map(\.name) == ["a/data.bin", "b.bin"])
            #expect(archive.entries[0].dataOffset % 64 == 0)
            for entry in archive.entries {
                #expect(try archive.bytes(of: entry, limit: 10_000) == payload)
                // In pieces (an .npy header, then its data straight into a tensor), and a prefix.
                var head = [UInt8](repeating: 0, count: 3), rest = [UInt8](repeating: 0, count: 997)
                try head.withUnsafeMutableBytes { h in
                    try rest.withUnsafeMutableBytes { r in try archive.read(entry, into: [h, UnsafeMutableRawBufferPointer(start: nil, count: 0), r]) }
                }
                #expect(head + rest == payload)
                #expect(try archive.prefix(of: entry, count: 10) == Array(payload.prefix(10)))
                #expect(try archive.prefix(of: entry, count: 5000) == payload)
            }
        }
    }

    /// Memory for sizes from files may be refused: the readers then throw instead of stopping.
    @Test func storageTooLargeForTheSystemIsNil() {
        #expect(Storage(ifPossibleByteCount: 1 << 62) == nil)
        #expect(Storage(ifPossibleByteCount: 8 << 20)?.byteCount == 8 << 20)
    }

    /// Damaged files: one line naming the file, never a crash.
    @Test func damagedFilesAreOneLineErrors() throws {
        let dir = scratchDirectory()
        let mixed = try #require(FileManager.default.contents(atPath: fixtureDir + "/mixed.pt"))
        let legacy = try #require(FileManager.default.contents(atPath: fixtureDir + "/mixed_legacy.pt"))
        let npz = try #require(FileManager.default.contents(atPath: fixtureDir + "/arrays_compressed.npz"))
        var flipped = mixed
        flipped[200] ^= 0xFF  // inside data.pkl: the CRC check catches it
        let cases: [(String, Data)] = [
            ("truncated.pt", mixed.prefix(mixed.count / 2)), ("flipped.pt", flipped), ("legacy.pt", legacy.prefix(legacy.count - 10)),
            ("short.npz", npz.prefix(npz.count - 30)), ("empty.pt", Data()), ("garbage.pt", Data("not a checkpoint at all".utf8)),
            ("header.npy", Data([0x93] + Array("NUMPY".utf8) + [1, 0, 200, 0] + Array("{'descr'".utf8))),
        ]
        for (name, bytes) in cases {
            let path = dir + "/" + name
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: (any Error).self, "\(name)") { try load(from: path) }
            let text = "\(error)"
            #expect(text.contains(path) && !text.contains("\n"), "\(name): \(text)")
        }
    }
}

private extension SavedValue {
    /// `state[index][name]`'s values in an optimizer state dict.
    func optimizerStateEntry(_ index: Int, _ name: String) -> [Double]? {
        guard case .dict(let pairs) = self else { return nil }
        return pairs.first { "\($0.key)" == "\(index)" }?.value[name]?.tensor?.toDoubles()
    }
}
