import Testing
@testable import Ember

// Transforms checked against torchvision (fixtures from `scripts/fixtures/transforms.py`), and
// the random ones for seeding and coverage.

private struct TransformFixtures: Decodable {
    struct Case: Decodable {
        let transform: String
        let input: FixtureTensor
        let output: FixtureTensor
    }
    let cases: [String: Case]
}

private let transformFixtures: TransformFixtures = loadFixtures("transforms.json")

/// The Ember transform of each fixture case, built as the case's `transform` text says.
private let transformsByCase: [String: any Transform] = [
    "to_tensor_hwc": ToTensor(),
    "to_tensor_hw": ToTensor(),
    "normalize": Normalize(mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.4]),
    "normalize_one_value": Normalize(mean: [0.5], std: [0.25]),
    "resize_up": Resize([10, 12]),
    "resize_down": Resize([4, 5]),
    "resize_28_to_32": Resize([32, 32]),
    "resize_smaller_edge": Resize(4),
    "resize_smaller_edge_tall": Resize(5),
    "resize_uint8": Resize([7, 4]),
    "center_crop": CenterCrop(4),
    "center_crop_rect": CenterCrop([3, 5]),
    "center_crop_pad": CenterCrop(8),
    "random_crop_pad": RandomCrop(size: 9, padding: 2),
    "random_crop_pad_edge": RandomCrop(size: [6, 9], padding: [2, 1], paddingMode: "edge"),
    "random_crop_pad_reflect": RandomCrop(size: [11, 10], padding: [1, 2, 3, 4], paddingMode: "reflect"),
    "horizontal_flip": RandomHorizontalFlip(p: 1),
    "random_resized_crop_fallback": RandomResizedCrop(size: [4, 6], scale: 2...3, ratio: 2...3),
    "resized_crop": Lambda { ImageGeometry.resize(ImageGeometry.crop($0, top: 1, left: 2, h: 5, w: 4), 6, 3) },
    "compose": Compose([ToTensor(), Resize([6, 6]), Normalize(mean: [0.5], std: [0.5])]),
]

@Suite struct TransformTests {
    @Test func everyFixtureCaseHasATransform() {
        #expect(Set(transformFixtures.cases.keys) == Set(transformsByCase.keys))
    }

    @Test(arguments: transformFixtures.cases.keys.sorted())
    func matchesTorchvision(name: String) {
        let c = transformFixtures.cases[name]!
        let actual = transformsByCase[name]!(c.input.make())
        if c.output.emberDType == .uint8 {
            // Ties (x.5) may round either way: see scripts/fixtures/transforms.py.
            #expect(actual.dtype == .uint8 && actual.shape == c.output.shape)
            let diff = zip(actual.toDoubles(), c.output.values.map(\.double)).map { abs($0 - $1) }
            #expect(diff.allSatisfy { $0 <= 1 } && diff.filter { $0 > 0 }.count * 10 <= diff.count, "\(name): \(diff)")
        } else {
            expectMatches(actual, c.output, "\(name) (\(c.transform))")
        }
    }

    @Test func toTensorLayouts() {
        let chw = Tensor.zeros([3, 8, 8], dtype: .uint8)
        #expect(ToTensor()(chw).shape == [3, 8, 8])
        #expect(ToTensor()(Tensor.zeros([8, 8, 3], dtype: .uint8)).shape == [3, 8, 8])
        let f = ToTensor()(Tensor.full([2, 2], 2, dtype: .float64))
        #expect(f.dtype == .float32 && f.shape == [1, 2, 2] && f.toDoubles() == [2, 2, 2, 2])
    }

    /// Every byte converts to exactly the float quotient `Float(v) / 255` (torchvision's value).
    @Test func toTensorDividesEveryByteExactly() {
        let bytes = Tensor((0..<256).map { UInt8($0) }, shape: [1, 16, 16])
        let floats = ToTensor()(bytes).toDoubles()
        #expect((0..<256).allSatisfy { floats[$0] == Double(Float($0) / 255) })
    }

    @Test func randomCropIsSeededAndInRange() {
        let x = Tensor.arange(0, 100, dtype: .float32).reshape([1, 10, 10])
        let crop = RandomCrop(size: 4, generator: Generator(seed: 1))
        var corners = Set<Int>()
        for _ in 0..<1000 {
            let y = crop(x)
            #expect(y.shape == [1, 4, 4])
            let v = Int(y[0, 0, 0].item())
            #expect(v / 10 <= 6 && v % 10 <= 6)
            #expect(y.toDoubles() == ImageGeometry.crop(x, top: v / 10, left: v % 10, h: 4, w: 4).toDoubles())
            corners.insert(v)
        }
        #expect(corners.count == 49, "every position is drawn")
        let again = RandomCrop(size: 4, generator: Generator(seed: 1))
        let first = RandomCrop(size: 4, generator: Generator(seed: 1))
        #expect((0..<5).map { _ in again(x).toDoubles() } == (0..<5).map { _ in first(x).toDoubles() })
    }

    @Test func padIfNeeded() {
        let x = Tensor.ones([1, 3, 4])
        let y = RandomCrop(size: [6, 8], padIfNeeded: true, fill: 0.5, generator: Generator(seed: 4))(x)
        #expect(y.shape == [1, 6, 8] && y.toDoubles().allSatisfy { $0 == 1 || $0 == 0.5 })
    }

    @Test func horizontalFlipProbability() {
        let x = Tensor.arange(0, 6, dtype: .float32).reshape([1, 2, 3])
        #expect(RandomHorizontalFlip(p: 0)(x).toDoubles() == x.toDoubles())
        let flip = RandomHorizontalFlip(generator: Generator(seed: 2))
        let flipped = (0..<1000).filter { _ in flip(x).toDoubles() == [2, 1, 0, 5, 4, 3] }.count
        #expect(abs(flipped - 500) < 60)
    }

    @Test func randomResizedCropDrawsWithinTheImage() {
        let t = RandomResizedCrop(size: 8, generator: Generator(seed: 3))
        for _ in 0..<200 {
            let p = t.parameters(height: 20, width: 30)
            #expect(p.top >= 0 && p.left >= 0 && p.top + p.h <= 20 && p.left + p.w <= 30)
            let area = Double(p.h * p.w) / 600, ratio = Double(p.w) / Double(p.h)
            #expect(area > 0.06 && area < 1.05 && ratio > 0.6 && ratio < 1.5)
        }
        #expect(t(Tensor.rand([3, 20, 30])).shape == [3, 8, 8])
    }

    @Test func datasetTransformThroughTheLoader() {
        let images = Tensor.full([6, 4, 4], 255, dtype: .uint8)
        let pipeline = Compose([ToTensor(), Normalize(mean: [0.5], std: [0.5])])
        let samples = TensorDataset(images, Tensor.arange(6))
        struct Transformed: Dataset {
            let base: TensorDataset, transform: any Transform
            var count: Int { base.count }
            subscript(index: Int) -> (Tensor, Tensor) { (transform(base[index].0), base[index].1) }
        }
        let loader = DataLoader(Transformed(base: samples, transform: pipeline), batchSize: 4)
        var batches = loader.makeIterator()
        let (x, _) = batches.next()!
        #expect(x.shape == [4, 1, 4, 4] && x.toDoubles().allSatisfy { $0 == 1 })
    }
}
