import Foundation
import Testing
@testable import Ember

private let torchFiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/torchfiles").path

@Suite(.serialized, .enabled(if: emberBinary != nil, "needs EMBER_BIN, the release-built ember (make test sets it)"))
struct InteropCommandLineTests {
    /// `ember convert` between the formats, both ways, and a refused pickle as one line with
    /// nothing written.
    @Test func convertsAndRefusesUnsafePickles() throws {
        try withTempDir { dir in
            let toSafetensors = try ember(["convert", torchFiles + "/adam.pt", dir + "/adam.safetensors"])
            #expect(toSafetensors.status == 0 && toSafetensors.stdout.contains("wrote"), "\(toSafetensors.stderr)")
            let back = try ember(["convert", dir + "/adam.safetensors", dir + "/adam.pth"])
            #expect(back.status == 0, "\(back.stderr)")
            let adam = try load(from: dir + "/adam.pth").optimizerState()
            #expect(adam.paramGroups[0]["lr"] == .double(0.01) && adam.state[0]?["exp_avg"]?.shape == [3, 4])
            let npz = try ember(["convert", torchFiles + "/adam_model.pt", dir + "/model.npz", "--compressed"])
            #expect(npz.status == 0, "\(npz.stderr)")
            #expect(try NumPy.loadArchive(from: dir + "/model.npz").count == 4)

            let evil = try ember(["convert", torchFiles + "/evil.pt", dir + "/evil.safetensors"])
            #expect(evil.status != 0 && evil.stderr.contains("GLOBAL posix.system"), "\(evil.stderr)")
            #expect(evil.stderr.split(separator: "\n").count == 1, "\(evil.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/evil.safetensors"))
        }
    }

    /// `ember export` of a PyTorch state dict (`.pt`, the workload named) to ONNX; a file that
    /// does not say its workload asks for one.
    @Test func exportsAPyTorchStateDictToONNX() throws {
        try withTempDir { dir in
            manualSeed(0)
            try save(SavedValue(LeNet().stateDict()), to: dir + "/lenet.pt")
            let run = try ember(["export", dir + "/lenet.pt", "--workload", "lenet", "--onnx", dir + "/lenet.onnx"])
            #expect(run.status == 0 && run.stdout.contains("(batch, 1, 32, 32)"), "\(run.stderr)")
            #expect((try? FileManager.default.attributesOfItem(atPath: dir + "/lenet.onnx")[.size] as? Int) ?? 0 > 200_000)
            let unnamed = try ember(["export", dir + "/lenet.pt", "--onnx", dir + "/x.onnx"])
            #expect(unnamed.status != 0 && unnamed.stderr.contains("--workload"), "\(unnamed.stderr)")
        }
    }
}
