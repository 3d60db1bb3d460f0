import CZlib
import Foundation
import Testing
@testable import Ember

/// Writes `bytes` to `path`, gzip-compressed when the name ends in `.gz`.
private func write(_ bytes: [UInt8], to path: String) {
    if path.hasSuffix(".gz") {
        let f = gzopen(path, "wb")!
        _ = bytes.withUnsafeBytes { gzwrite(f, $0.baseAddress, UInt32($0.count)) }
        gzclose(f)
    } else {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
}

private func idx(_ shape: [Int], _ data: [UInt8]) -> [UInt8] {
    [0, 0, 8, UInt8(shape.count)] + shape.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (8 * (3 - $0))) } } + data
}

/// Writes a 3-image, 2×2-pixel IDX split named `prefix` with the given labels.
private func writeSplit(_ dir: String, prefix: String, gz: Bool, labels: [UInt8] = [9, 0, 3]) {
    let ext = gz ? ".gz" : ""
    write(idx([3, 2, 2], (0..<12).map { UInt8($0 * 20) }), to: "\(dir)/\(prefix)-images-idx3-ubyte\(ext)")
    write(idx([labels.count], labels), to: "\(dir)/\(prefix)-labels-idx1-ubyte\(ext)")
}

@Suite struct IDXDatasetTests {
    @Test(arguments: [false, true])
    func readsASplit(gz: Bool) throws {
        try withTempDir { dir in
            writeSplit(dir, prefix: "t10k", gz: gz)
            let d = try FashionMNIST(root: dir, train: false)
            #expect(d.count == 3)
            #expect(d.images.shape == [3, 2, 2] && d.images.dtype == .uint8)
            #expect(d.labels.dtype == .int64 && d.labels.toInts() == [9, 0, 3])
            let (x, y) = d[1]
            #expect(x.toInts() == [80, 100, 120, 140] && y.itemInt() == 0)
            #expect(d.classes[d[0].1.itemInt()] == "Ankle boot")
            let f = d.floatImages()
            #expect(f.shape == [3, 1, 2, 2] && f.dtype == .float32)
            #expect(abs(f.toDoubles()[11] - 220.0 / 255) < 1e-6)
            let scaled = try MNIST(root: dir, train: false, transform: Lambda { $0.to(.float32) * 2 })
            #expect(scaled[1].0.toDoubles() == [160, 200, 240, 280])
        }
    }

    @Test func missingDirectoryAndFiles() throws {
        expectDatasetError(.missing, naming: "/no/such/dir") { _ = try FashionMNIST(root: "/no/such/dir") }
        try withTempDir { dir in
            expectDatasetError(.missing, naming: "train-images-idx3-ubyte") { _ = try MNIST(root: dir) }
            write(idx([1, 2, 2], [1, 2, 3, 4]), to: "\(dir)/train-images-idx3-ubyte")
            expectDatasetError(.missing, naming: "train-labels-idx1-ubyte") { _ = try MNIST(root: dir) }
        }
    }

    @Test(arguments: [false, true])
    func corruptFiles(gz: Bool) throws {
        let ext = gz ? ".gz" : ""
        try withTempDir { dir in
            writeSplit(dir, prefix: "train", gz: gz)
            let images = "\(dir)/train-images-idx3-ubyte\(ext)", labels = "\(dir)/train-labels-idx1-ubyte\(ext)"
            write([1, 2, 8, 3] + idx([3, 2, 2], [UInt8](repeating: 0, count: 12)).dropFirst(4), to: images)
            expectDatasetError(.invalidFormat, naming: images) { _ = try FashionMNIST(root: dir) }
            write(idx([3, 2, 2], [UInt8](repeating: 0, count: 11)), to: images)
            expectDatasetError(.invalidFormat, naming: images) { _ = try FashionMNIST(root: dir) }
            write(idx([3, 2, 2], [UInt8](repeating: 0, count: 13)), to: images)
            expectDatasetError(.invalidFormat, naming: images) { _ = try FashionMNIST(root: dir) }
            write(idx([3, 4], [UInt8](repeating: 0, count: 12)), to: images)
            expectDatasetError(.invalidFormat, naming: images) { _ = try FashionMNIST(root: dir) }
            write([0, 0, 8], to: images)
            expectDatasetError(.invalidFormat, naming: images) { _ = try FashionMNIST(root: dir) }
            writeSplit(dir, prefix: "train", gz: gz, labels: [1, 2])
            expectDatasetError(.invalidFormat, naming: labels) { _ = try FashionMNIST(root: dir) }
            writeSplit(dir, prefix: "train", gz: gz, labels: [1, 10, 2])
            expectDatasetError(.labelOutOfRange, naming: labels) { _ = try FashionMNIST(root: dir) }
        }
    }

    @Test func corruptGzipStream() throws {
        try withTempDir { dir in
            writeSplit(dir, prefix: "train", gz: true)
            let path = "\(dir)/train-images-idx3-ubyte.gz"
            var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
            bytes = Array(bytes.prefix(bytes.count - 12))
            write(bytes, to: "\(dir)/x")
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: "\(dir)/x", toPath: path)
            do {
                _ = try FashionMNIST(root: dir)
                Issue.record("expected an error")
            } catch {
                #expect("\(error)".contains(path), "\(error)")
            }
        }
    }

    @Test func realFashionMNISTTestSplit() throws {
        guard FileManager.default.fileExists(atPath: FashionMNIST.defaultRoot) else { return }
        let d = try FashionMNIST(train: false)
        #expect(d.count == 10000)
        #expect(d.images.shape == [10000, 28, 28])
        let label = d[0].1.itemInt()
        #expect(label == 9 && d.classes[label] == "Ankle boot")
        // The images come mapped from the decompressed copy; they are the gzip file's bytes.
        let f = try #require(gzopen(FashionMNIST.defaultRoot + "/t10k-images-idx3-ubyte.gz", "rb"))
        defer { gzclose(f) }
        var raw = [UInt8](repeating: 0, count: 16 + 10000 * 784)
        #expect(raw.withUnsafeMutableBytes { gzread(f, $0.baseAddress, UInt32($0.count)) } == Int32(raw.count))
        #expect(d.images[0].flatten().toInts() == raw[16..<800].map(Int.init))
        #expect(d.images[9999].flatten().toInts() == raw[(raw.count - 784)...].map(Int.init))
        #expect(d.images.to(.int64).sum().itemInt() == raw[16...].reduce(0) { $0 + Int($1) })
    }

    /// Storage mapped from a file reads the file's bytes from the offset on, and writes to it
    /// stay in the process (copy-on-write).
    @Test func mappedStorage() throws {
        try withTempDir { dir in
            let path = dir + "/bytes", bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 3) }
            write(bytes, to: path)
            let storage = try #require(Storage(mapping: path, offset: 16, byteCount: 4984))
            let t = Tensor(storage: storage, shape: [4984], strides: [1], offset: 0, dtype: .uint8)
            #expect(t.toInts() == bytes[16...].map(Int.init))
            t.zero_()
            #expect(t.sum().itemInt() == 0)
            #expect(FileManager.default.contents(atPath: path) == Data(bytes))
            #expect(Storage(mapping: dir + "/absent", offset: 0, byteCount: 10) == nil)
        }
    }
}

@Suite struct CIFAR10Tests {
    /// A record: the label, then a 3×32×32 image whose red plane holds `seed`.
    private func record(_ label: UInt8, _ seed: UInt8) -> [UInt8] {
        [label] + [UInt8](repeating: seed, count: 1024) + (0..<2048).map { UInt8(truncatingIfNeeded: $0) }
    }

    @Test(arguments: [false, true])
    func readsBatches(gz: Bool) throws {
        try withTempDir { dir in
            let ext = gz ? ".gz" : ""
            write(record(3, 7) + record(9, 8), to: "\(dir)/test_batch.bin\(ext)")
            for k in 1...5 { write(record(UInt8(k), UInt8(k)), to: "\(dir)/data_batch_\(k).bin\(ext)") }
            let test = try CIFAR10(root: dir, train: false)
            #expect(test.count == 2 && test.labels.toInts() == [3, 9])
            let (x, y) = test[1]
            #expect(x.shape == [3, 32, 32] && x.dtype == .uint8 && y.itemInt() == 9)
            #expect(x[0, 5, 5].itemInt() == 8 && x[1, 0, 1].itemInt() == 1 && x[2, 0, 0].itemInt() == 0)
            #expect(test.classes[3] == "cat")
            let train = try CIFAR10(root: dir)
            #expect(train.labels.toInts() == [1, 2, 3, 4, 5])
            #expect(train.floatImages().shape == [5, 3, 32, 32])
        }
    }

    @Test func badFiles() throws {
        try withTempDir { dir in
            let path = "\(dir)/test_batch.bin"
            expectDatasetError(.missing, naming: path) { _ = try CIFAR10(root: dir, train: false) }
            write(record(3, 7) + [1, 2], to: path)
            expectDatasetError(.invalidFormat, naming: path) { _ = try CIFAR10(root: dir, train: false) }
            write([], to: path)
            expectDatasetError(.invalidFormat, naming: path) { _ = try CIFAR10(root: dir, train: false) }
            write(record(3, 7) + record(10, 0), to: path)
            expectDatasetError(.labelOutOfRange, naming: path) { _ = try CIFAR10(root: dir, train: false) }
        }
    }
}
