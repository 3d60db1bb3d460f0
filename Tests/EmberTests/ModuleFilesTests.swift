import Foundation
import Testing
@testable import Ember

@Suite struct ModuleFilesTests {
    private func lenet() -> Sequential {
        Sequential(Conv2d(1, 6, 5), ReLU(), AvgPool2d(2, stride: 2), Flatten(), Linear(864, 10))
    }

    @Test func saveAndLoadRoundTrip() throws {
        let a = lenet(), b = lenet()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-lenet-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.save(to: path)
        try b.load(from: path)
        for ((ka, va), (kb, vb)) in zip(a.stateDict(), b.stateDict()) {
            #expect(ka == kb)
            #expect(va.equal(vb))
        }
        let keys = try SafeTensors.load(from: path).map(\.0).sorted()
        #expect(keys == ["0.bias", "0.weight", "4.bias", "4.weight"])
    }

    @Test func wrongModelThrowsAndLeavesWeights() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-mlp-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Sequential(Linear(3, 2)).save(to: path)
        let other = Sequential(Linear(4, 2))
        let before = other.stateDict().items.map { $0.value.clone() }
        #expect(throws: LoadStateDictError.self) { try other.load(from: path) }
        for (old, now) in zip(before, other.stateDict().items.map(\.value)) { #expect(old.equal(now)) }
        #expect(throws: SafeTensorsError.self) { try other.load(from: path + ".missing") }
    }

    /// Weights trained and saved by PyTorch (scripts/fixtures/lenet_interop.py) load by PyTorch's
    /// key names and give PyTorch's logits.
    @Test func loadsPyTorchLeNet() throws {
        struct Expected: Decodable { let input: FixtureTensor; let logits: FixtureTensor }
        let expected: Expected = loadFixtures("lenet_torch.json")
        let net = textbookLeNet()
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lenet_torch.safetensors").path
        try net.load(from: path)
        let logits = noGrad { net(expected.input.make()) }
        #expect(logits.allclose(expected.logits.make(), rtol: 1e-4, atol: 1e-5))
    }
}
