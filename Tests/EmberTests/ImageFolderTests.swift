import Foundation
import Testing
@testable import Ember

/// Writes a `width` × `height` RGB PNG (3 bytes per pixel, row by row) at `path`, creating its folders.
private func writePNG(_ path: String, width: Int = 3, height: Int = 2, rgb: [UInt8]? = nil) {
    try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                             withIntermediateDirectories: true)
    let pixels = rgb ?? [UInt8](repeating: 0, count: width * height * 3)
    _ = FileManager.default.createFile(atPath: path, contents: Data(try! PNGFile.encode(width: width, height: height, pixels)))
}

private func writeText(_ path: String) {
    try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                             withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: path, contents: Data("not an image".utf8))
}

@Suite struct ImageFolderTests {
    /// The order torchvision 0.29's `ImageFolder` gives this tree: classes sorted, then each
    /// class's directories by whole path (`a b/` and `a-c/` sort before `a/q/`), files by name.
    @Test func classesAndSamplesInTorchvisionOrder() throws {
        try withTempDir { root in
            for name in ["bird/x.png", "bird/y.png", "cat/1.png", "cat/sub/0.png", "dog/b.png", "dog/a.PNG",
                         "dog/a/z.png", "dog/a b/y.png", "dog/a-c/x.png", "dog/a/q/w.png"] {
                writePNG(root + "/" + name)
            }
            writeText(root + "/dog/notes.txt")
            writeText(root + "/readme.txt")
            let d = try ImageFolder(root: root)
            #expect(d.classes == ["bird", "cat", "dog"])
            #expect(d.classToIdx == ["bird": 0, "cat": 1, "dog": 2])
            #expect(d.samples.map { String($0.path.dropFirst(root.count + 1)) }
                == ["bird/x.png", "bird/y.png", "cat/1.png", "cat/sub/0.png", "dog/a.PNG", "dog/b.png",
                    "dog/a/z.png", "dog/a b/y.png", "dog/a-c/x.png", "dog/a/q/w.png"])
            #expect(d.targets == [0, 0, 1, 1, 2, 2, 2, 2, 2, 2])
            #expect(d.count == 10)
            let (x, y) = d[3]
            #expect(x.shape == [3, 2, 3] && x.dtype == .float32)
            #expect(y.shape == [] && y.dtype == .int64 && y.itemInt() == 1)
        }
    }

    @Test func pixelsAreRGBFloatsInCHW() throws {
        let fixtures: [String: PNGFileTests.Image] = loadFixtures("png.json")
        try withTempDir { root in
            let rgb = (0..<18).map { UInt8($0 * 13) }
            writePNG(root + "/a/rgb.png", rgb: rgb)
            try FileManager.default.createDirectory(atPath: root + "/b", withIntermediateDirectories: true)
            for name in ["rgba", "gray"] {
                try FileManager.default.copyItem(atPath: PNGFileTests.path("png_\(name).png"), toPath: root + "/b/\(name).png")
            }
            let d = try ImageFolder(root: root)
            #expect(d.samples.map(\.path) == [root + "/a/rgb.png", root + "/b/gray.png", root + "/b/rgba.png"])
            /// The image's values as bytes, channel after channel.
            func bytes(_ i: Int) -> [Int] { d[i].0.toDoubles().map { Int(($0 * 255).rounded()) } }
            /// Interleaved `[H, W, C]` bytes as `[C, H, W]`.
            func planes(_ hwc: [Int], channels: Int, keep: Int) -> [Int] {
                (0..<keep).flatMap { c in stride(from: c, to: hwc.count, by: channels).map { hwc[$0] } }
            }
            #expect(bytes(0) == planes(rgb.map(Int.init), channels: 3, keep: 3))
            #expect(abs(d[0].0.toDoubles()[1] - 39.0 / 255) < 1e-7)
            let gray = fixtures["gray"]!.values
            #expect(d[1].0.shape == [3] + fixtures["gray"]!.shape)
            #expect(bytes(1) == gray + gray + gray)
            // Pillow's convert("RGB") drops alpha without blending; torchvision 0.29 gives these values.
            #expect(bytes(2) == planes(fixtures["rgba"]!.values, channels: 4, keep: 3))
        }
    }

    @Test func transformsApplyToImageAndTarget() throws {
        try withTempDir { root in
            writePNG(root + "/a/0.png", rgb: [UInt8](repeating: 51, count: 18))
            writePNG(root + "/b/0.png")
            let d = try ImageFolder(root: root, transform: Compose([Lambda { $0 * 2 }, Resize([4, 6])]),
                                    targetTransform: Lambda { $0 + 10 })
            let x = d[0].0
            #expect(x.shape == [3, 4, 6])
            #expect(x.toDoubles().allSatisfy { abs($0 - 0.4) < 1e-6 })
            #expect(d[1].1.itemInt() == 11)
        }
    }

    @Test func batchesThroughADataLoader() throws {
        try withTempDir { root in
            for name in ["cat/0.png", "cat/1.png", "dog/0.png"] { writePNG(root + "/" + name) }
            let loader = DataLoader(try ImageFolder(root: root), batchSize: 2, numWorkers: 2)
            #expect(loader.map { $0.0.shape } == [[2, 3, 2, 3], [1, 3, 2, 3]])
            #expect(loader.flatMap { $0.1.toInts() } == [0, 0, 1])
        }
    }

    @Test func linkedFoldersAreFollowedButNotRoundALoop() throws {
        try withTempDir { root in
            writePNG(root + "/cat/0.png")
            writePNG(root + "/elsewhere/1.png")
            try FileManager.default.createSymbolicLink(atPath: root + "/cat/again", withDestinationPath: root + "/cat")
            try FileManager.default.createSymbolicLink(atPath: root + "/cat/more", withDestinationPath: root + "/elsewhere")
            let d = try ImageFolder(root: root)
            #expect(d.classes == ["cat", "elsewhere"])
            #expect(d.samples.map(\.path) == [root + "/cat/0.png", root + "/cat/more/1.png", root + "/elsewhere/1.png"])
        }
    }

    @Test func missingOrEmptyFoldersThrowNamingThem() throws {
        let nowhere = NSTemporaryDirectory() + "ember-no-such-dir-" + UUID().uuidString
        expectDatasetError(.missing, naming: nowhere) { _ = try ImageFolder(root: nowhere) }
        try withTempDir { root in
            writeText(root + "/readme.txt")
            expectDatasetError(.missing, naming: root, "couldn't find any class folder") { _ = try ImageFolder(root: root) }
            writePNG(root + "/cat/0.png")
            writeText(root + "/fish/notes.txt")
            try FileManager.default.createDirectory(atPath: root + "/eel", withIntermediateDirectories: true)
            expectDatasetError(.missing, naming: root, "found no valid file for the classes eel, fish", ".png") {
                _ = try ImageFolder(root: root)
            }
        }
    }

    @Test func unreadableImagesThrowNamingTheFile() throws {
        try withTempDir { root in
            writePNG(root + "/cat/0.png")
            let png = try Data(contentsOf: URL(fileURLWithPath: root + "/cat/0.png"))
            try png.prefix(png.count - 20).write(to: URL(fileURLWithPath: root + "/cat/1.png"))
            writeText(root + "/cat/2.png")
            writePNG(root + "/cat/3.png")
            let d = try ImageFolder(root: root)
            #expect(try d.load(0).0.shape == [3, 2, 3])
            expectDatasetError(.invalidFormat, naming: root + "/cat/1.png") { _ = try d.load(1) }
            expectDatasetError(.invalidFormat, naming: root + "/cat/2.png") { _ = try d.load(2) }
            try FileManager.default.removeItem(atPath: root + "/cat/3.png")
            expectDatasetError(.missing, naming: root + "/cat/3.png") { _ = try d.load(3) }
        }
    }

    @Test func subscriptStopsNamingAnUnreadableFile() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withTempDir { root in
                writeText(root + "/cat/bad.png")
                _ = try! ImageFolder(root: root)[0]
            }
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("ImageFolder: dataset file '"))
            #expect(text.contains("/cat/bad.png': not a readable PNG image"))
        }
    }
}
