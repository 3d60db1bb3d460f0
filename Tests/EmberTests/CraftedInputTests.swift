import CZlib
import Foundation
import Testing
@testable import Ember

// The `ember` command against crafted files and options, one class of failure each (issue 16's
// list): every one must end with a non-zero status and an `Error:` line naming the file or
// option (the argument parser adds its usage lines after a bad option), never a crash report,
// within seconds (no hang), leaving no output and no temporary file behind.

/// An IDX file header: the magic for unsigned bytes and `dims.count` dimensions, then the dims.
private func idxHeader(_ dims: [UInt32]) -> [UInt8] {
    [0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in (0..<4).reversed().map { UInt8(truncatingIfNeeded: d >> (8 * $0)) } }
}

/// A Fashion-MNIST directory whose files are the real ones except `replaced`.
private func dataDir(_ dir: String, replacing replaced: [String: [UInt8]]) throws -> String {
    let root = dir + "/data-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
        if let bytes = replaced[name] {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(root)/\(name)"))
        } else {
            try FileManager.default.createSymbolicLink(atPath: "\(root)/\(name).gz", withDestinationPath: "\(fashionRoot)/\(name).gz")
        }
    }
    return root
}

/// A checkpoint of the softmax workload trained for one epoch, written once per test run.
private let softmaxCheckpoint: String? = {
    guard emberBinary != nil else { return nil }
    let out = NSTemporaryDirectory() + "ember-crafted-" + UUID().uuidString
    guard let run = try? ember(["train", "softmax", "--epochs", "1", "--out", out]), run.status == 0 else { return nil }
    return out + "/checkpoint.safetensors"
}()

/// `softmaxCheckpoint` rewritten to `path` with `change` applied to its metadata.
private func checkpoint(_ path: String, _ change: (inout [String: String]) -> Void) throws {
    var loaded = try Checkpoint.load(from: try #require(softmaxCheckpoint))
    change(&loaded.metadata)
    try loaded.save(to: path)
}

@Suite(.serialized, .enabled(if: emberBinary != nil, "needs EMBER_BIN, the release-built ember (make test sets it)"))
struct CraftedInputTests {
    /// Runs each case and checks status, first stderr line, time and leftovers.
    private func expectRefused(_ cases: [(arguments: [String], names: String)], in dir: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (k, c) in cases.enumerated() {
            let out = "\(dir)/out\(k)"
            let arguments = c.arguments + (c.arguments[0] == "train" && !c.arguments.contains("--out") ? ["--out", out] : [])
            guard let run = try ember(arguments, timeout: 60) else {
                Issue.record("\(c.arguments) hung", sourceLocation: sourceLocation)
                continue
            }
            #expect(run.status != 0 && run.status < 128, "\(c.arguments): status \(run.status)", sourceLocation: sourceLocation)
            let first = run.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("Error: ") && first.contains(c.names) && !run.stderr.contains("Backtrac"),
                    "\(c.arguments): \(run.stderr)", sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: out), "\(c.arguments) left \(files(out))", sourceLocation: sourceLocation)
        }
        #expect(!files(dir).contains { $0.hasPrefix(".") }, "temporary files left: \(files(dir))", sourceLocation: sourceLocation)
    }

    @Test func datasetFilesAreCheckedBeforeAllocating() throws {
        try withTempDir { dir in
            let images = "train-images-idx3-ubyte"
            let overflow = try dataDir(dir, replacing: [images: idxHeader([.max, .max, .max])])
            let billion = try dataDir(dir, replacing: [images: idxHeader([1_000_000_000, 28, 28]) + [UInt8](repeating: 0, count: 100)])
            let empty = try dataDir(dir, replacing: [images: idxHeader([0, 28, 28])])
            // As many images as labels, each 1 × 1 pixel: not Fashion-MNIST's size.
            let labels = try Data(contentsOf: URL(fileURLWithPath: fashionRoot + "/train-labels-idx1-ubyte.gz"))
            let tiny = try dataDir(dir, replacing: [images: idxHeader([60_000, 1, 1]) + [UInt8](repeating: 9, count: 60_000)])
            try FileManager.default.removeItem(atPath: tiny + "/train-labels-idx1-ubyte.gz")
            try labels.write(to: URL(fileURLWithPath: tiny + "/train-labels-idx1-ubyte.gz"))
            // A test label of 200: refused before the first epoch, not after it.
            let badLabel = try dataDir(dir, replacing: ["t10k-labels-idx1-ubyte": idxHeader([10_000]) + [200] + [UInt8](repeating: 1, count: 9_999)])
            let flat = try dataDir(dir, replacing: [images: idxHeader([10, 0, 28])])
            let fifo = try dataDir(dir, replacing: [:])
            try FileManager.default.removeItem(atPath: fifo + "/\(images).gz")
            mkfifo(fifo + "/\(images)", 0o600)
            try expectRefused([
                (["train", "mlp", "--data", overflow], "hold more elements than can be addressed"),
                (["train", "mlp", "--data", billion], "holds 60000 labels, but '\(billion)/\(images)' holds 1000000000 images"),
                (["train", "lenet", "--data", tiny], "the training images are 1 × 1 pixels; Fashion-MNIST's are 28 × 28"),
                (["train", "lenet", "--data", badLabel], "label 200 at index 0 is out of range"),
                (["train", "mlp", "--data", empty], "holds no images"),
                (["train", "mlp", "--data", flat], "holds images of 0 × 28 pixels"),
                (["train", "mlp", "--data", fifo], "is a FIFO"),
            ], in: dir)
        }
    }

    @Test func checkpointsAreCheckedBeforeUse() throws {
        try withTempDir { dir in
            let zip = dir + "/model.pt", random = dir + "/random.safetensors", huge = dir + "/huge.safetensors"
            let fifo = dir + "/fifo.safetensors"
            try Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 7, count: 60)).write(to: URL(fileURLWithPath: zip))
            try Data((0..<200).map { UInt8(($0 * 37 + 11) % 256) }).write(to: URL(fileURLWithPath: random))
            let header = Array(#"{"w":{"dtype":"F32","shape":[0,4611686018427387904,4611686018427387904],"data_offsets":[0,0]}}"#.utf8)
            try Data((0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header).write(to: URL(fileURLWithPath: huge))
            mkfifo(fifo, 0o600)
            let negative = dir + "/negative.safetensors", notANumber = dir + "/nan.safetensors", zeros = dir + "/zeros.safetensors"
            try checkpoint(negative) { $0["epoch"] = "-3" }
            try checkpoint(notANumber) { $0["epoch"] = "nan" }
            try checkpoint(zeros) { $0["rng_state"] = String(repeating: "0", count: 10112) }
            // Optimizer options from the file: one missing, one of another kind.
            let noLR = dir + "/nolr.safetensors", flagMomentum = dir + "/flag.safetensors"
            func groups(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: String]) -> Void {
                { metadata in
                    var list = try! JSONSerialization.jsonObject(with: Data(metadata["optimizer.param_groups"]!.utf8)) as! [[String: Any]]
                    change(&list[0])
                    metadata["optimizer.param_groups"] = String(decoding: try! JSONSerialization.data(withJSONObject: list), as: UTF8.self)
                }
            }
            try checkpoint(noLR, groups { $0["lr"] = nil })
            try checkpoint(flagMomentum, groups { $0["momentum"] = ["bool": true] })
            try expectRefused([
                (["eval", zip], "no zip end-of-central-directory record"),
                (["eval", random], "not a safetensors file, or a damaged one"),
                (["eval", huge], "is too large"),
                (["eval", fifo], "is a FIFO"),
                (["train", "softmax", "--resume", fifo], "is a FIFO"),
                (["train", "softmax", "--resume", negative], "damaged 'epoch'"),
                (["train", "softmax", "--resume", notANumber], "damaged 'epoch'"),
                (["train", "softmax", "--resume", zeros], "damaged 'rng_state'"),
                (["train", "softmax", "--resume", noLR], "parameter group 0 has no \"lr\" option"),
                (["train", "softmax", "--resume", flagMomentum], "has \"momentum\" = True"),
                (["train", "softmax", "--resume", try #require(softmaxCheckpoint), "--epochs", "\(Int.max)"], "--epochs"),
            ], in: dir)
        }
    }

    @Test func imagesAreCheckedBeforeDecoding() throws {
        try withTempDir { dir in
            // A valid PNG of 81 bytes whose header claims 1,000,000 × 1,000,000 pixels.
            func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
                let body = Array(type.utf8) + data
                let crc = CRC32.ieee.checksum(body)
                let bytes = { (v: UInt32) in (0..<4).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
                return bytes(UInt32(data.count)) + body + bytes(crc)
            }
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
                + chunk("IHDR", [0x00, 0x0F, 0x42, 0x40, 0x00, 0x0F, 0x42, 0x40, 8, 0, 0, 0, 0])
                + chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]) + chunk("IEND", [])
            let bomb = dir + "/bomb.png", truncated = dir + "/truncated.png", fifo = dir + "/fifo.png"
            try Data(png).write(to: URL(fileURLWithPath: bomb))
            let real = try PNGFile.encode(width: 28, height: 28, [UInt8](repeating: 128, count: 28 * 28 * 3))
            try Data(real.prefix(real.count - 20)).write(to: URL(fileURLWithPath: truncated))
            mkfifo(fifo, 0o600)
            let model = try #require(softmaxCheckpoint)
            try expectRefused([
                (["predict", model, bomb], "above the limit"),
                (["predict", model, truncated], truncated),
                (["predict", model, fifo], "is a FIFO"),
            ], in: dir)
        }
    }

    @Test func theDatasetCacheTrustsOnlyWhatTheGzipTrailerVouchesFor() throws {
        try withTempDir { dir in
            let model = try #require(softmaxCheckpoint), cache = ["EMBER_CACHE": dir + "/cache"]
            let images = "t10k-images-idx3-ubyte.gz"
            // The test images cut after 2 MB (large enough to go through the cache): refused,
            // naming the file, and nothing cached.
            let cut = try dataDir(dir, replacing: [:])
            try FileManager.default.removeItem(atPath: "\(cut)/\(images)")
            let whole = try #require(FileManager.default.contents(atPath: "\(fashionRoot)/\(images)"))
            try whole.prefix(2 << 20).write(to: URL(fileURLWithPath: "\(cut)/\(images)"))
            let refused = try #require(try ember(["eval", model, "--data", cut], environment: cache, timeout: 60))
            #expect(refused.status != 0 && refused.stderr.hasPrefix("Error: ") && refused.stderr.contains(images)
                    && refused.stderr.contains("truncated"), "\(refused.stderr)")
            #expect(files(dir + "/cache/datasets").isEmpty, "cached: \(files(dir + "/cache/datasets"))")
            // The real files: cached; a cached copy changed afterwards is not used, but made again.
            let real = try dataDir(dir, replacing: [:])
            let first = try #require(try ember(["eval", model, "--data", real], environment: cache, timeout: 60))
            #expect(first.status == 0, "\(first.stderr)")
            let copies = files(dir + "/cache/datasets").filter { $0.hasPrefix("t10k-images") }
            try #require(copies.count == 1, "\(files(dir + "/cache/datasets"))")
            let copy = dir + "/cache/datasets/" + copies[0]
            let original = try #require(FileManager.default.contents(atPath: copy))
            var edited = original
            edited[edited.count / 2] ^= 0xFF
            try edited.write(to: URL(fileURLWithPath: copy))
            let second = try #require(try ember(["eval", model, "--data", real], environment: cache, timeout: 60))
            #expect(second.status == 0 && second.stdout == first.stdout, "\(second.stdout) vs \(first.stdout)")
            #expect(FileManager.default.contents(atPath: copy) == original, "the edited copy was not replaced")
        }
    }

    @Test func aHugeHeaderInACachedCopyIsRefused() throws {
        try withTempDir { dir in
            // A gzip file large enough for the cache (stored, not compressed), whose IDX header
            // claims 2⁶³ − 2 bytes: addressable, but not to be added to the header's offset.
            let images = idxHeader([6, 715_827_883, 2_147_483_647]) + (0..<(1_200_000)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            // Six labels, so the header passes the comparison with the labels' count.
            let root = try dataDir(dir, replacing: ["train-labels-idx1-ubyte": idxHeader([6]) + [0, 1, 2, 3, 4, 5]])
            let path = root + "/train-images-idx3-ubyte.gz"
            try FileManager.default.removeItem(atPath: path)
            let file = try #require(gzopen(path, "wb0"))
            _ = images.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
            gzclose(file)
            let run = try #require(try ember(["train", "mlp", "--data", root, "--out", dir + "/out"],
                                             environment: ["EMBER_CACHE": dir + "/cache"], timeout: 60))
            #expect(run.status != 0 && run.stderr.hasPrefix("Error: ") && run.stderr.contains("truncated: data of shape [6, 715827883, 2147483647]"),
                    "\(run.stderr)")
        }
    }

    @Test func optionsAreCheckedBeforeTraining() throws {
        try withTempDir { dir in
            let file = dir + "/a-file"
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
            try expectRefused([
                (["train", "mlp", "--epochs", "-1"], "--epochs must be positive, got -1"),
                (["train", "mlp", "--batch-size", "-5"], "--batch-size must be positive, got -5"),
                (["train", "mlp", "--lr", "-0.1"], "--lr must be positive"),
                (["train", "mlp", "--out", file], "--out: '\(file)' exists and is not a directory"),
                (["train", "mlp", "--out", file + "/sub"], "--out: cannot create"),
                (["train", "mlp", "--json", dir], "--json: '\(dir)' is a directory"),
                (["train", "mlp", "--json", dir + "/missing/result.json"], "--json: directory"),
            ], in: dir)
        }
    }

    @Test func hugeBatchSizeTrainsOneBatchPerEpoch() throws {
        try withTempDir { dir in
            let run = try #require(try ember(["train", "softmax", "--epochs", "1", "--batch-size", "\(Int.max)", "--out", dir + "/run"],
                                             timeout: 120))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("1/1"), "\(run.stdout)")
            #expect(metricsRows(dir + "/run") == 1)
        }
    }

    @Test func aDivergingRunFinishesWithAWarningOrStopsWhenAsked() throws {
        try withTempDir { dir in
            let run = try #require(try ember(["train", "softmax", "--epochs", "2", "--lr", "1e30", "--out", dir + "/on"], timeout: 120))
            #expect(run.status == 0, "\(run.stderr)")
            let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: the loss became") }
            #expect(warnings.count == 1 && warnings[0].contains("at epoch 1, step"), "\(run.stderr)")
            #expect(metricsRows(dir + "/on") == 2)
            #expect(try PNGFile.read(dir + "/on/curves.png").shape == [400, 960, 3])

            let stopped = try #require(try ember(["train", "softmax", "--epochs", "2", "--lr", "1e30", "--stop-on-nan",
                                                  "--out", dir + "/stop"], timeout: 120))
            #expect(stopped.status == 1, "\(stopped.stderr)")
            #expect(stopped.stderr.contains("Error: stopped: the loss became") && stopped.stderr.contains("no checkpoint was written"),
                    "\(stopped.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/stop"))
        }
    }

    @Test func writesLeaveNoTemporaryFilesAndClearDeadRunsOnes() throws {
        try withTempDir { dir in
            let out = dir + "/run"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let finished = Process()
            finished.executableURL = URL(fileURLWithPath: "/bin/true")
            try finished.run()
            finished.waitUntilExit()
            let dead = out + "/.metrics.csv.ember-\(finished.processIdentifier)-5eed.tmp"
            let live = out + "/.metrics.csv.ember-\(getpid())-5eed.tmp"
            let recent = out + "/.model.safetensors.ember-\(finished.processIdentifier)-abc.tmp"
            for path in [dead, live, recent] { try Data("left by a killed run".utf8).write(to: URL(fileURLWithPath: path)) }
            // Old enough to be stale; `recent` may still be another machine's write in progress.
            let hourAgo = Date().addingTimeInterval(-Double(AtomicFile<SafeTensorsError>.staleAge) - 60)
            for path in [dead, live] { try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: path) }
            let victim = dir + "/victim"
            try Data("keep".utf8).write(to: URL(fileURLWithPath: victim))
            try FileManager.default.createSymbolicLink(atPath: dir + "/.result.json.tmp", withDestinationPath: victim)
            let run = try #require(try ember(["train", "softmax", "--epochs", "1", "--out", out, "--json", dir + "/result.json"],
                                             timeout: 120))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dead), "a dead run's temporary file stayed")
            #expect(FileManager.default.fileExists(atPath: live), "a live process's temporary file was removed")
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
            #expect(files(out).filter { $0.hasPrefix(".") } == [live, recent].map { URL(fileURLWithPath: $0).lastPathComponent }.sorted())
        }
    }
}
