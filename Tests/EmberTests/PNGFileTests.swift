import Foundation
import Testing
@testable import Ember

@Suite struct PNGFileTests {
    struct Image: Decodable { let shape: [Int]; let values: [Int] }
    static let images: [String: Image] = loadFixtures("png.json")
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)").path
    }

    @Test(arguments: [("rgb", 3), ("rgba", 4), ("gray", 1)])
    func readsPillowFiles(name: String, channels: Int) throws {
        let expected = Self.images[name]!
        let t = try PNGFile.read(Self.path("png_\(name).png"), channels: channels)
        #expect(t.dtype == .uint8)
        #expect(t.shape == Array(expected.shape.prefix(2)) + [channels])
        #expect(t.toInts() == expected.values)
    }

    @Test func grayExpandsToRGB() throws {
        let gray = Self.images["gray"]!.values
        let t = try PNGFile.read(Self.path("png_gray.png"), channels: 3)
        #expect(t.select(2, 0).toInts() == gray && t.select(2, 2).toInts() == gray)
    }

    @Test func alphaIsDroppedNotBlended() throws {
        let rgba = Self.images["rgba"]!.values
        let t = try PNGFile.read(Self.path("png_rgba.png"), channels: 3)
        let rgb = stride(from: 0, to: rgba.count, by: 4).flatMap { rgba[$0..<$0 + 3] }
        #expect(t.toInts() == rgb)
    }

    @Test func damagedFilesThrowNamingTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-png-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try Data(contentsOf: URL(fileURLWithPath: Self.path("png_rgb.png")))
        let truncated = dir.appendingPathComponent("truncated.png"), garbage = dir.appendingPathComponent("garbage.png")
        try good.prefix(good.count - 20).write(to: truncated)
        try Data("not a png at all".utf8).write(to: garbage)
        for url in [truncated, garbage, dir.appendingPathComponent("missing.png")] {
            #expect {
                _ = try PNGFile.read(url.path)
            } throws: { error in
                (error as? PNGError).map { $0.description.contains(url.path) } ?? false
            }
        }
    }
}
