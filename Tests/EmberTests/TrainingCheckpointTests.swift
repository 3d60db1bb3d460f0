import Foundation
import Testing
@testable import Ember

@Suite struct TrainingCheckpointTests {
    private func step(_ model: Module, _ optimizer: Optimizer, _ x: Tensor, _ y: Tensor) {
        optimizer.zeroGrad()
        F.crossEntropy(model(x), y).backward()
        optimizer.step()
    }

    /// Stopping after three steps, saving, and resuming in fresh objects gives bit-identical
    /// parameters to six uninterrupted steps.
    @Test func resumeIsBitIdentical() throws {
        let gen = Generator(seed: 5)
        let x = Tensor.randn([8, 4], generator: gen), y = Tensor.randint(0, 3, [8], generator: gen)
        // Same starting weights by copying, not by reseeding the global generator (tests run in parallel).
        let straight = Sequential(Linear(4, 6), ReLU(), Linear(6, 3))
        func makeModel() -> Sequential {
            let m = Sequential(Linear(4, 6), ReLU(), Linear(6, 3))
            try! m.loadStateDict(straight.stateDict().items.reduce(into: [:]) { $0[$1.key] = $1.value.clone() })
            return m
        }
        let first = makeModel()
        let straightOpt = Adam(straight.parameters(), lr: 0.01, amsgrad: true)
        for _ in 0..<6 { step(straight, straightOpt, x, y) }

        let firstOpt = Adam(first.parameters(), lr: 0.01, amsgrad: true)
        for _ in 0..<3 { step(first, firstOpt, x, y) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-ckpt-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingCheckpoint.save(model: first, optimizer: firstOpt, metadata: ["epoch": "3"], to: path)

        let resumed = Sequential(Linear(4, 6), ReLU(), Linear(6, 3))
        let resumedOpt = Adam(resumed.parameters(), lr: 0.5, amsgrad: true)
        let meta = try TrainingCheckpoint.load(from: path, model: resumed, optimizer: resumedOpt)
        #expect(meta == ["epoch": "3"])
        #expect(resumedOpt.paramGroups[0].lr == 0.01)
        for (a, b) in zip(first.parameters(), resumed.parameters()) { #expect(a.equal(b)) }
        for _ in 0..<3 { step(resumed, resumedOpt, x, y) }
        for (a, b) in zip(straight.parameters(), resumed.parameters()) { #expect(a.equal(b)) }
    }

    @Test func mismatchedModelLeavesEverythingUnchanged() throws {
        let model = Sequential(Linear(4, 6))
        let opt = SGD(model.parameters(), lr: 0.1, momentum: 0.9)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-ckpt-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingCheckpoint.save(model: model, optimizer: opt, to: path)
        let other = Sequential(Linear(5, 6))
        let otherOpt = SGD(other.parameters(), lr: 0.1)
        let before = other.parameters().map { $0.clone() }
        #expect(throws: TrainingCheckpointError.self) { try TrainingCheckpoint.load(from: path, model: other, optimizer: otherOpt) }
        for (a, b) in zip(before, other.parameters()) { #expect(a.equal(b)) }
    }
}
