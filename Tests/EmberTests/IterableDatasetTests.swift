import Testing
@testable import Ember

/// The stream (x, y) = ([i, 10 i], i) for i in 0..<n.
private struct Ramp: IterableDataset {
    let n: Int
    func makeIterator() -> some IteratorProtocol<(Tensor, Tensor)> {
        (0..<n).lazy.map { i in (Tensor([Double(i), Double(10 * i)], dtype: .float32), Tensor(i)) }.makeIterator()
    }
}

/// 0, 1, 2, ... without end.
private struct Naturals: IterableDataset {
    func makeIterator() -> some IteratorProtocol<Int> {
        var i = -1
        return AnyIterator { i += 1; return i }
    }
}

/// `n` draws from the default generator, as a stream with random transforms makes them.
private struct NoisyStream: IterableDataset {
    let n: Int
    func makeIterator() -> some IteratorProtocol<Double> { (0..<n).lazy.map { _ in Tensor.rand([1]).item() }.makeIterator() }
}

@Suite struct IterableDatasetTests {
    @Test func batchesFollowTheStream() {
        let loader = DataLoader(Ramp(n: 7), batchSize: 3)
        var labels: [[Int]] = []
        for (x, y) in loader {
            #expect(x.shape == [y.shape[0], 2] && x.dtype == .float32)
            #expect(x.select(1, 1).toDoubles() == y.toDoubles().map { $0 * 10 })
            labels.append(y.toInts())
        }
        #expect(labels == [[0, 1, 2], [3, 4, 5], [6]])
        #expect(loader.map { $0.1.toInts() } == labels, "each epoch reads the stream again")
    }

    @Test func dropLast() {
        #expect(DataLoader(Ramp(n: 7), batchSize: 3, dropLast: true).map { $0.1.toInts() } == [[0, 1, 2], [3, 4, 5]])
        #expect(DataLoader(Ramp(n: 6), batchSize: 3, dropLast: true).map { $0.1.toInts() } == [[0, 1, 2], [3, 4, 5]])
        #expect(Array(DataLoader(Ramp(n: 2), batchSize: 3, dropLast: true)).isEmpty)
        #expect(Array(DataLoader(Ramp(n: 0), batchSize: 3)).isEmpty)
    }

    @Test(arguments: [1, 2, 3])
    func workersGiveTheSameBatches(workers: Int) {
        func batches(_ workers: Int) -> [[Double]] {
            let loader = DataLoader(Ramp(n: 23), batchSize: 4, numWorkers: workers, prefetchFactor: 1)
            return (0..<2).flatMap { _ in loader.map { $0.0.toDoubles() + $0.1.toDoubles() } }
        }
        #expect(batches(workers) == batches(0))
    }

    @Test(arguments: [0, 2])
    func customCollateAndAnEndlessStream(workers: Int) {
        let sums = DataLoader(Naturals(), batchSize: 3, numWorkers: workers, collate: { $0.reduce(0, +) })
        // Breaking out of an endless stream stops its reader; the next epoch starts afresh.
        for sum in sums {
            #expect(sum == 3)
            break
        }
        #expect(Array(sums.prefix(4)) == [3, 12, 21, 30])
    }

    /// The stream reader draws from a generator seeded with the epoch's base seed, itself drawn
    /// here from this thread's generator (set for the test, as a worker's is).
    @Test(arguments: [1, 3])
    func readerSeedsItsDraws(workers: Int) {
        let state = ThreadState.current
        state.generator = Generator(seed: 3)
        defer { state.generator = nil }
        let draws = DataLoader(NoisyStream(n: 6), batchSize: 2, numWorkers: workers, collate: { $0 }).flatMap { $0 }
        let base = Generator(seed: 3).withLock { $0.random64() }, reader = Generator(seed: base)
        #expect(draws == (0..<6).map { _ in Tensor.rand([1], generator: reader).item() })
    }

    @Test func shuffleIsRejected() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = DataLoader(Ramp(n: 4), batchSize: 2, shuffle: true)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True"))
        }
    }

    @Test func samplerIsRejected() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = DataLoader(Ramp(n: 4), sampler: SequentialSampler(count: 4))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("DataLoader with IterableDataset: expected unspecified sampler option, but got sampler="))
        }
    }
}
