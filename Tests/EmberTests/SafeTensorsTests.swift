import Foundation
import Testing
@testable import Ember

// Ember's safetensors files against the Python `safetensors` package. The fixture pair
// `Tests/Fixtures/interop.safetensors` / `interop.json` comes from
// `scripts/fixtures/safetensors_fixture.py`; regenerate it with
// `/work/torchenv/bin/python scripts/fixtures/safetensors_fixture.py`.

/// The JSON side of the fixture: the values the Python-written file holds.
private struct InteropFixture: Decodable {
    let metadata: [String: String]
    let names: [String]
    let file_order: [String]
    let tensors: [String: FixtureTensor]

    /// The tensors in the state-dict order Python was given them in.
    var stateDict: [(String, Tensor)] { names.map { ($0, tensors[$0]!.make()) } }
}

private let interop: InteropFixture = loadFixtures("interop.json")

/// Path of a file under `Tests/Fixtures`.
private func fixturePath(_ file: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(file).path
}

private let pythonFile = fixturePath("interop.safetensors")

/// A fresh directory for one test, removed after `body`.
private func withTempDirectory<R>(_ body: (String) throws -> R) rethrows -> R {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("ember-safetensors-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try body(dir)
}

/// A tensor's elements as the bytes of its dtype, in row-major order.
private func bytes(_ t: Tensor) -> [UInt8] {
    let c = t.contiguous()
    return Array(UnsafeRawBufferPointer(start: c.pointer, count: c.numel * c.elementSize))
}

private func fileBytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path)!) }

private func listing(_ dir: String) -> [String] { try! FileManager.default.contentsOfDirectory(atPath: dir) }

/// Checks names, order, dtypes, shapes and exact bytes (NaN payloads and -0.0 included).
private func expectSameTensors(_ got: [(String, Tensor)], _ want: [(String, Tensor)],
                               sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.map(\.0) == want.map(\.0), sourceLocation: sourceLocation)
    for ((name, g), (_, w)) in zip(got, want) {
        #expect(g.dtype == w.dtype, "\(name): dtype", sourceLocation: sourceLocation)
        #expect(g.shape == w.shape, "\(name): shape", sourceLocation: sourceLocation)
        #expect(bytes(g) == bytes(w), "\(name): bytes", sourceLocation: sourceLocation)
    }
}

@Suite struct SafeTensorsTests {
    // MARK: - Interop with the Python package

    @Test func loadsPythonWrittenFile() throws {
        let (tensors, metadata) = try SafeTensors.loadWithMetadata(from: pythonFile)
        #expect(metadata == interop.metadata)
        let want = interop.file_order.map { ($0, interop.tensors[$0]!.make()) }
        expectSameTensors(tensors, want)
        let byName = Dictionary(uniqueKeysWithValues: tensors)
        #expect(byName["bn.1.num_batches_tracked"]!.shape == [])
        #expect(byName["bn.1.num_batches_tracked"]!.itemInt() == 7)
        #expect(byName["tokens.big"]!.toInts() == [1 << 62, Int.min, 1])
        #expect(byName["mask"]!.toBools() == [true, false, true, false, false, true])
    }

    @Test func savesPythonIdenticalBytes() throws {
        try withTempDirectory { dir in
            let path = dir + "/ember.safetensors"
            try SafeTensors.save(interop.stateDict, to: path, metadata: interop.metadata)
            #expect(fileBytes(path) == fileBytes(pythonFile))
        }
    }

    @Test func writesNonContiguousTensorsContiguously() throws {
        // The same values as strided views: a transposed copy transposed back, and a narrowed slice.
        let views = interop.stateDict.map { name, t -> (String, Tensor) in
            switch name {
            case "conv.0.weight": (name, t.transpose(0, 2).contiguous().transpose(0, 2))
            case "tokens.ids": (name, Tensor.cat([t, t], dim: 1).narrow(1, 3, 3))
            default: (name, t)
            }
        }
        #expect(!views[0].1.isContiguous && !views[9].1.isContiguous)
        try withTempDirectory { dir in
            let path = dir + "/views.safetensors"
            try SafeTensors.save(views, to: path, metadata: interop.metadata)
            #expect(fileBytes(path) == fileBytes(pythonFile))
        }
    }

    @Test func roundTripKeepsValuesNamesAndMetadata() throws {
        let names = ["features.0.weight", "q\"\\\n\u{1}é", "ünïcode.权重", ""]
        let tensors = zip(names, [Tensor.randn(3, 4), Tensor.arange(6).reshape(2, 3).to(.int16),
                                  Tensor.randn(2).to(.bfloat16), Tensor.ones(1).to(.bool)]).map { ($0, $1) }
        let metadata = ["format": "pt", "note": "tab\there \"quoted\" ✓", "epoch": "3"]
        try withTempDirectory { dir in
            let path = dir + "/round.safetensors"
            try SafeTensors.save(tensors, to: path, metadata: metadata)
            let loaded = try SafeTensors.loadWithMetadata(from: path)
            #expect(loaded.metadata == metadata)
            expectSameTensors(loaded.tensors, SafeTensors.fileOrder(tensors))
            try SafeTensors.save([], to: path)
            let empty = try SafeTensors.loadWithMetadata(from: path)
            #expect(empty.tensors.isEmpty && empty.metadata == nil)
            #expect(fileBytes(path) == Array("\u{8}\0\0\0\0\0\0\0{}      ".utf8))
        }
    }

    @Test func emptyMetadataIsWrittenAsPythonWritesIt() throws {
        try withTempDirectory { dir in
            let path = dir + "/empty-metadata.safetensors"
            try SafeTensors.save([("x", Tensor.zeros(1))], to: path, metadata: [:])
            // `safetensors.torch.save({"x": torch.zeros(1)}, metadata={})`
            #expect(fileBytes(path) == [72, 0, 0, 0, 0, 0, 0, 0]
                + Array("{\"__metadata__\":{},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".utf8) + [0, 0, 0, 0])
            #expect(try SafeTensors.loadWithMetadata(from: path).metadata == [:])
        }
    }

    @Test func escapesNamesAsSerdeJSON() {
        // What the Python package wrote for this name.
        #expect(HeaderJSON.quoted("q\"\\\n\u{1}é\u{7f}\u{8}\u{c}\t\r") == "\"q\\\"\\\\\\n\\u0001é\u{7f}\\b\\f\\t\\r\"")
    }

    @Test func ordersLikeThePythonPackage() {
        let order = SafeTensors.fileOrder(DType.allCases.map { ("\($0)", Tensor.zeros(1).to($0)) }).map(\.1.dtype)
        #expect(order == [.int64, .float64, .float32, .int32, .bfloat16, .float16, .int16, .int8, .uint8, .bool])
    }

    // MARK: - Bad files

    /// Ways to damage the Python-written file, each with the error it must raise.
    enum Damage: String, CaseIterable, Sendable {
        case empty, tinyFile, truncatedData, truncatedHeader, headerLengthPastEnd, hugeHeaderLength
        case corruptJSON, notAnObject, invalidUTF8, unknownDType, unsupportedDType, offsetsPastEnd
        case sizeMismatch, reversedOffsets, overlap, trailingBytes, duplicateKey, metadataNotString
        case negativeShape, missingField

        var kind: SafeTensorsError.Kind {
            switch self {
            case .empty, .tinyFile: .headerTooSmall
            case .truncatedHeader, .headerLengthPastEnd: .invalidHeaderLength
            case .hugeHeaderLength: .headerTooLarge
            case .corruptJSON, .notAnObject, .invalidUTF8, .duplicateKey, .metadataNotString, .negativeShape, .missingField:
                .invalidHeader
            case .unknownDType: .unknownDType
            case .unsupportedDType: .unsupportedDType
            case .truncatedData, .offsetsPastEnd, .sizeMismatch, .reversedOffsets, .overlap: .invalidOffsets
            case .trailingBytes: .trailingBytes
            }
        }

        /// The tensor the error must name.
        var key: String? {
            switch self {
            case .truncatedData, .offsetsPastEnd, .sizeMismatch, .reversedOffsets, .unknownDType: "mask"
            case .unsupportedDType: "quant.scale"
            case .overlap: "tokens.big"
            case .duplicateKey: "a"
            case .negativeShape, .missingField: "x"
            default: nil
            }
        }

        /// The damaged file.
        func apply(to good: [UInt8]) -> [UInt8] {
            func replacing(_ old: String, _ new: String) -> [UInt8] {
                precondition(old.utf8.count == new.utf8.count)
                let text = String(decoding: good, as: UTF8.self)
                let i = text.utf8.firstRange(of: old.utf8)!
                return Array(good[..<i.lowerBound.utf16Offset(in: text)]) + Array(new.utf8)
                    + Array(good[i.upperBound.utf16Offset(in: text)...])
            }
            func withHeader(_ json: String, data: Int = 0) -> [UInt8] {
                let h = Array(json.utf8)
                return (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) } + h + [UInt8](repeating: 0, count: data)
            }
            switch self {
            case .empty: return []
            case .tinyFile: return Array(good.prefix(5))
            case .truncatedData: return Array(good.dropLast())
            case .truncatedHeader: return Array(good.prefix(100))
            case .headerLengthPastEnd: return (0..<8).map { UInt8(truncatingIfNeeded: good.count >> (8 * $0)) } + good.dropFirst(8)
            case .hugeHeaderLength: return [0, 0, 0, 0, 1, 0, 0, 0] + good.dropFirst(8)
            case .corruptJSON: return replacing("{\"__metadata__\":", "{\"__metadata__\";")
            case .notAnObject: return withHeader("[]      ")
            case .invalidUTF8: return withHeader("{\"\u{FF}\":{}}").map { $0 == 0xC3 ? 0xFF : $0 }
            case .unknownDType: return replacing("\"BOOL\"", "\"BOOX\"")
            case .unsupportedDType: return replacing("\"I16\"", "\"U16\"")
            case .offsetsPastEnd: return replacing("[283,289]", "[283,299]")
            case .sizeMismatch: return replacing("[283,289]", "[283,288]")
            case .reversedOffsets: return replacing("[283,289]", "[289,283]")
            case .overlap: return replacing("[8,32]", "[0,24]")
            case .trailingBytes: return good + [0]
            case .duplicateKey:
                return withHeader("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", data: 2)
            case .metadataNotString: return withHeader("{\"__metadata__\":{\"epoch\":3}}")
            case .negativeShape: return withHeader("{\"x\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", data: 1)
            case .missingField: return withHeader("{\"x\":{\"dtype\":\"U8\",\"shape\":[1]}}", data: 1)
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func damagedFileThrows(_ damage: Damage) {
        withTempDirectory { dir in
            let path = dir + "/\(damage).safetensors"
            _ = FileManager.default.createFile(atPath: path, contents: Data(damage.apply(to: fileBytes(pythonFile))))
            let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.load(from: path) }
            #expect(error?.kind == damage.kind, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.path == path)
            #expect(error?.key == damage.key, "\(error.map(String.init(describing:)) ?? "")")
            #expect(error?.description.contains(path) == true)
            if let key = damage.key { #expect(error?.description.contains("tensor '\(key)'") == true) }
        }
    }

    @Test func missingFileThrows() {
        let path = "/nonexistent/ember/missing.safetensors"
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.load(from: path) }
        #expect(error?.kind == .cannotRead)
        #expect(error?.description == "safetensors file '\(path)': file not found")
    }

    // MARK: - Failed saves

    @Test func saveIntoMissingDirectoryThrowsAndLeavesNothing() {
        withTempDirectory { dir in
            let path = dir + "/missing/model.safetensors"
            let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.save(interop.stateDict, to: path) }
            #expect(error?.kind == .cannotWrite)
            #expect(error?.description.contains(path) == true)
            #expect(listing(dir).isEmpty)
        }
    }

    @Test func aDirectoryInPlaceIsRefusedAndLeavesNothing() throws {
        try withTempDirectory { dir in
            // A non-empty directory where the file should go (rename(2) would fail after the
            // whole write): refused before anything is written, no temporary sibling left.
            let path = dir + "/model.safetensors"
            try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
            let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.save(interop.stateDict, to: path) }
            #expect(error?.kind == .cannotWrite)
            #expect(error?.description == "safetensors file '\(path)': it is a directory, not a regular file")
            #expect(listing(dir) == ["model.safetensors"])
        }
    }

    @Test func failedSaveKeepsTheExistingFile() throws {
        try withTempDirectory { dir in
            let path = dir + "/model.safetensors"
            try SafeTensors.save(interop.stateDict, to: path, metadata: interop.metadata)
            // The temporary file cannot be created next to a path whose directory vanished.
            let error = #expect(throws: SafeTensorsError.self) {
                try SafeTensors.save([("x", Tensor.ones(2))], to: dir + "/gone/../model.safetensors")
            }
            #expect(error?.kind == .cannotWrite)
            #expect(fileBytes(path) == fileBytes(pythonFile))
        }
    }

    @Test func duplicateNameStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try? SafeTensors.save([("w", Tensor.ones(1)), ("w", Tensor.ones(1))], to: "/tmp/never-written.safetensors")
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("SafeTensors.save: the tensor name 'w' appears twice"))
        }
    }
}
