import Foundation
import Testing
@testable import Ember

/// The example programs (Examples/), built by the test build beside the test bundle, run as a
/// reader runs them: in a fresh folder, where they write their figures. The walk-throughs run
/// whole; the training programs one epoch (the heavy CNN trainers only build).
@Suite(.serialized) struct ExampleTests {
    /// The folder the test build puts the example executables in.
    private static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .path.replacingOccurrences(of: "/EmberPackageTests.xctest/Contents/MacOS", with: "")

    /// Runs example `name` with `arguments` in a new folder; returns its output and the folder.
    private func run(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:],
                     in setUp: (String) throws -> Void = { _ in }) throws -> (status: Int32, output: String, dir: String) {
        let dir = NSTemporaryDirectory() + "ember-example-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try setUp(dir)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaries + "/" + name)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let outPath = dir + "/.output"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        // One handle for both streams, so that they share its offset and neither overwrites the other.
        let output = FileHandle(forWritingAtPath: outPath)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "", dir)
    }

    /// The size `[H, W, 3]` of the PNG at `path`.
    private func pngShape(_ path: String) throws -> [Int] { try PNGFile.read(path).shape }

    @Test func walkThroughsRun() throws {
        for name in ["TensorBasics", "Autograd", "ModelConstruction", "RecurrentLayers", "CNNArchitectures"] {
            let result = try run(name)
            defer { try? FileManager.default.removeItem(atPath: result.dir) }
            #expect(result.status == 0, "\(name): \(result.output)")
        }
    }

    /// 000 §5-8: every channel normalized to mean 0 and unbiased variance 18/17.
    @Test func batchNormCheckPrintsTheNotesVariance() throws {
        let result = try run("BatchNormCheck")
        defer { try? FileManager.default.removeItem(atPath: result.dir) }
        #expect(result.status == 0)
        #expect(result.output.components(separatedBy: "tensor(1.0588").count - 1 == 5
                || result.output.components(separatedBy: "tensor(1.0587").count - 1 == 5, "\(result.output)")
    }

    /// 003 §3.1: the image (the first Fashion-MNIST test image), its sharpened and its pooled
    /// versions written as PNGs.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionRoot)))
    func convolutionLayersWritesItsImages() throws {
        let result = try run("ConvolutionLayers")
        defer { try? FileManager.default.removeItem(atPath: result.dir) }
        #expect(result.status == 0, "\(result.output)")
        #expect(try pngShape(result.dir + "/lena.png") == [28, 28, 3])
        #expect(try pngShape(result.dir + "/lena-sharpened.png") == [26, 26, 3])
        #expect(try pngShape(result.dir + "/lena-pooled.png") == [14, 14, 3])
    }

    /// 004 §2: without CIFAR-10 the program says where to get it; with a small CIFAR-format
    /// folder it trains, tests and writes its image grids.
    @Test func quickStartWithAndWithoutCIFAR() throws {
        let bare = try run("QuickStart")
        defer { try? FileManager.default.removeItem(atPath: bare.dir) }
        #expect(bare.status == 0 && bare.output.contains("cifar-10-binary.tar.gz"), "\(bare.output)")
        let negative = try run("QuickStart", ["cifar", "-1"])
        defer { try? FileManager.default.removeItem(atPath: negative.dir) }
        #expect(negative.status == 2 && negative.output.contains("epochs must be"), "\(negative.output)")

        let result = try run("QuickStart", ["cifar", "1"]) { dir in
            try FileManager.default.createDirectory(atPath: dir + "/cifar", withIntermediateDirectories: true)
            let names = (1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin"]
            for (i, name) in names.enumerated() {
                var records: [UInt8] = []
                for r in 0..<8 {
                    records.append(UInt8((r + i) % 10))
                    records += (0..<3072).map { (p: Int) -> UInt8 in UInt8(truncatingIfNeeded: p * (r + 1)) }
                }
                try Data(records).write(to: URL(fileURLWithPath: dir + "/cifar/" + name))
            }
        }
        defer { try? FileManager.default.removeItem(atPath: result.dir) }
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Finished Training") && result.output.contains("准确率"))
        #expect(try pngShape(result.dir + "/cifar-sample.png") == [32, 32, 3])
        #expect(try pngShape(result.dir + "/cifar-train-batch.png") == [36, 138, 3])
    }

    /// 001 §3.2's two-panel figure and §3.12's four semilogy figures.
    @Test func regressionProgramsDrawTheirFigures() throws {
        let linear = try run("LinearRegressionScratch", ["3"])
        defer { try? FileManager.default.removeItem(atPath: linear.dir) }
        #expect(linear.status == 0, "\(linear.output)")
        #expect(try pngShape(linear.dir + "/LinearRegression.png") == [600, 1300, 3])

        let decay = try run("WeightDecay", ["5"])
        defer { try? FileManager.default.removeItem(atPath: decay.dir) }
        #expect(decay.status == 0, "\(decay.output)")
        for name in ["lambd0", "lambd3", "wd0", "wd3"] {
            #expect(try pngShape(decay.dir + "/WeightDecay-\(name).png") == [250, 350, 3])
        }
        #expect(decay.output.components(separatedBy: "L2 norm of w:").count == 5)
    }

    /// Data-parallel LeNet on 2 ranks, one epoch of 512 samples: rank 0 alone reports it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionRoot) && mpirunPath != nil))
    func dataParallelTrainsOnTwoRanks() throws {
        let result = try MPIJob(ranks: 2, Self.binaries + "/DataParallel", ["1", "512"]).finish(timeout: 300)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.components(separatedBy: "epoch 1: loss").count == 2, "\(result.output)")
        #expect(result.output.contains("over 512 samples on 2 ranks"), "\(result.output)")
    }

    /// The Fashion-MNIST programs, one epoch each, with their figures.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashionRoot)))
    func fashionMNISTProgramsTrainAnEpoch() throws {
        for (name, figures) in [("SoftmaxRegressionScratch", ["SoftmaxRegression", "FashionMNIST-predictions"]), ("SoftmaxRegressionConcise", []),
                                ("MLPScratch", ["SimpleMLP"]), ("MLPConcise", ["ConciseMLP"]),
                                ("Dropout", ["Dropout-scratch", "Dropout-concise"])] {
            let result = try run(name, ["1"])
            defer { try? FileManager.default.removeItem(atPath: result.dir) }
            #expect(result.status == 0, "\(name): \(result.output)")
            #expect(result.output.contains("epoch 1, loss"), "\(name): \(result.output)")
            for figure in figures { #expect(FileManager.default.fileExists(atPath: result.dir + "/\(figure).png"), "\(name): \(figure)") }
        }
    }
}
