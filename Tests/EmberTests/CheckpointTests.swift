import Foundation
import Testing
@testable import Ember

@Suite struct CheckpointTests {
    /// A fresh file path in a directory removed after `body`.
    private func withTempFile(_ body: (String) throws -> Void) rethrows {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-checkpoint-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir + "/checkpoint.safetensors")
    }

    /// Names and exact values of each group, by name.
    private func expectSameGroups(_ got: [String: [(String, Tensor)]], _ want: [String: [(String, Tensor)]]) {
        #expect(Set(got.keys) == Set(want.keys))
        for (group, tensors) in want {
            let loaded = Dictionary(uniqueKeysWithValues: got[group] ?? [])
            #expect(Set(loaded.keys) == Set(tensors.map(\.0)), "\(group)")
            for (name, t) in tensors {
                #expect(loaded[name]?.dtype == t.dtype && loaded[name]?.shape == t.shape, "\(group).\(name)")
                #expect(loaded[name]?.toDoubles() == t.toDoubles(), "\(group).\(name)")
            }
        }
    }

    @Test func roundTripKeepsGroupsAndMetadata() throws {
        let groups: [String: [(String, Tensor)]] = [
            "model": [("features.0.weight", Tensor.randn(4, 3)), ("features.0.bias", Tensor.randn(4)),
                      ("bn.num_batches_tracked", Tensor.zeros([], dtype: .int64))],
            "optimizer": [("state.0.exp_avg", Tensor.randn(4, 3, dtype: .float64)), ("state.0.step", Tensor.ones(1))],
            "scheduler": [],
        ]
        let metadata = ["epoch": "3", "optimizer": "{\"lr\":0.1,\"betas\":[0.9,0.999]}"]
        try withTempFile { path in
            try Checkpoint(groups: groups, metadata: metadata).save(to: path)
            let loaded = try Checkpoint.load(from: path)
            #expect(loaded.metadata == metadata)
            expectSameGroups(loaded.groups, groups)
            // A plain safetensors reader sees prefixed keys.
            let plain = try SafeTensors.loadWithMetadata(from: path)
            #expect(Set(plain.tensors.map(\.0)).contains("model.features.0.weight"))
            #expect(plain.metadata?[Checkpoint.groupsKey] == "[\"model\",\"optimizer\",\"scheduler\"]")
        }
    }

    @Test func plainSafeTensorsFileIsNotACheckpoint() throws {
        try withTempFile { path in
            try SafeTensors.save([("w", Tensor.ones(2))], to: path, metadata: ["format": "pt"])
            let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.load(from: path) }
            #expect(error?.kind == .invalidCheckpoint)
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test func keyOutsideTheGroupsThrows() throws {
        try withTempFile { path in
            try SafeTensors.save([("model.w", Tensor.ones(2)), ("stray", Tensor.ones(1))], to: path,
                                 metadata: [Checkpoint.groupsKey: "[\"model\"]"])
            let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.load(from: path) }
            #expect(error?.kind == .invalidCheckpoint)
            #expect(error?.key == "stray")
        }
    }

    @Test func damagedFileThrowsTheSafeTensorsError() throws {
        try withTempFile { path in
            try Checkpoint(groups: ["model": [("w", Tensor.ones(3))]]).save(to: path)
            let bytes = FileManager.default.contents(atPath: path)!
            _ = FileManager.default.createFile(atPath: path, contents: bytes.dropLast(2))
            let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.load(from: path) }
            #expect(error?.kind == .invalidOffsets)
            #expect(error?.key == "model.w")
        }
    }
}
