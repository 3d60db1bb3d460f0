import Foundation
import Testing
@testable import Ember

// torchvision's make_grid and save_image (`scripts/fixtures/image_grid.py` writes
// Tests/Fixtures/image_grid.json: each case's grid and the pixels of its PNG, read back by Pillow).

private struct GridCase: Decodable {
    let input: FixtureTensor
    let args: [String: JSONValue]
    let grid: FixtureTensor
    let pixels: FixtureTensor
}

private let gridCases: [String: GridCase] = loadFixtures("image_grid.json")

@Suite struct ImageGridTests {
    @Test(arguments: gridCases.keys.sorted())
    func gridsAndSavedPixelsMatchTorchvision(_ name: String) throws {
        let c = gridCases[name]!
        let range = c.args["value_range"].map { ($0.array[0].double, $0.array[1].double) }
        let nrow = c.args["nrow"]?.int ?? 8, padding = c.args["padding"]?.int ?? 2
        let normalize = c.args["normalize"]?.bool ?? false, scaleEach = c.args["scale_each"]?.bool ?? false
        let padValue = c.args["pad_value"]?.double ?? 0
        let grid = makeGrid(c.input.make(), nrow: nrow, padding: padding, normalize: normalize, valueRange: range,
                            scaleEach: scaleEach, padValue: padValue)
        expectMatches(grid, c.grid, name)

        let path = NSTemporaryDirectory() + "ember-grid-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try saveImage(c.input.make(), to: path, nrow: nrow, padding: padding, normalize: normalize, valueRange: range,
                      scaleEach: scaleEach, padValue: padValue)
        expectMatches(try PNGFile.read(path, channels: c.pixels.shape[2]), c.pixels, name + " pixels")
    }

    @Test func uint8ImagesAreWrittenAsTheyAre() throws {
        let path = NSTemporaryDirectory() + "ember-image-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let gray = Tensor((0..<12).map { $0 * 20 }, shape: [3, 4], dtype: .uint8)
        try saveImage(gray, to: path)
        let back = try PNGFile.read(path, channels: 1)
        #expect(back.shape == [3, 4, 1] && back.toInts() == gray.toInts())
    }
}
