import Testing
@testable import Ember

/// A dataset of (x, y) = ([i, 10 i], i) for i in 0..<n.
private func ramp(_ n: Int) -> TensorDataset {
    let x = Tensor.arange(0, n, dtype: .float32).unsqueeze(1) * Tensor([1.0, 10.0], dtype: .float32)
    return TensorDataset(x, Tensor.arange(n))
}

/// Samples that draw from the default generator, as random transforms do: `rand(2) + index`.
private struct Noisy: Dataset {
    var count: Int { 12 }
    subscript(index: Int) -> Tensor { Tensor.rand([2]) + Double(index) }
}

@Suite struct DatasetTests {
    @Test func tensorDatasetSubsetAndConcat() {
        let d = ramp(5)
        #expect(d.count == 5)
        #expect(d[3].0.toDoubles() == [3, 30])
        #expect(d[3].1.itemInt() == 3)
        let s = Subset(d, indices: [4, 0])
        #expect(s.count == 2 && s[0].1.itemInt() == 4 && s[1].1.itemInt() == 0)
        let c = ConcatDataset([ramp(2), ramp(3)])
        #expect(c.count == 5 && c.cumulativeSizes == [2, 5])
        #expect((0..<5).map { c[$0].1.itemInt() } == [0, 1, 0, 1, 2])
        #expect(c[-1].1.itemInt() == 2)
    }

    @Test func randomSplitPartitionsAndIsSeeded() {
        let d = ramp(10)
        let parts = randomSplit(d, lengths: [3, 7], generator: Generator(seed: 1))
        #expect(parts.map(\.count) == [3, 7])
        #expect(Set(parts[0].indices + parts[1].indices) == Set(0..<10))
        let again = randomSplit(d, lengths: [3, 7], generator: Generator(seed: 1))
        #expect(again[0].indices == parts[0].indices)
        #expect(randomSplit(d, fractions: [0.25, 0.25, 0.5]).map(\.count) == [3, 2, 5])
    }
}

@Suite struct SamplerTests {
    @Test func sequentialAndRandom() {
        #expect(Array(SequentialSampler(count: 4)) == [0, 1, 2, 3])
        let r = RandomSampler(size: 20, generator: Generator(seed: 3))
        let a = Array(r), b = Array(r)
        #expect(a.sorted() == Array(0..<20))
        #expect(a != b, "each epoch draws a new permutation")
        #expect(Array(RandomSampler(size: 20, generator: Generator(seed: 3))) == a)
        let more = Array(RandomSampler(size: 3, numSamples: 7, generator: Generator(seed: 0)))
        #expect(more.count == 7 && Set(more.prefix(3)) == [0, 1, 2])
        let withReplacement = Array(RandomSampler(size: 3, replacement: true, numSamples: 50))
        #expect(withReplacement.count == 50 && withReplacement.allSatisfy { (0..<3).contains($0) })
    }

    @Test func batchSampler() {
        let s = SequentialSampler(count: 7)
        #expect(Array(BatchSampler(s, batchSize: 3, dropLast: false)) == [[0, 1, 2], [3, 4, 5], [6]])
        #expect(Array(BatchSampler(s, batchSize: 3, dropLast: true)) == [[0, 1, 2], [3, 4, 5]])
        #expect(BatchSampler(s, batchSize: 3, dropLast: false).count == 3)
        #expect(BatchSampler(s, batchSize: 3, dropLast: true).count == 2)
    }

    @Test func weightedRandom() {
        let w = WeightedRandomSampler(weights: [0, 1, 3, 0], numSamples: 4000, generator: Generator(seed: 5))
        let drawn = Array(w)
        #expect(drawn.allSatisfy { $0 == 1 || $0 == 2 })
        let twos = Double(drawn.filter { $0 == 2 }.count) / 4000
        #expect(abs(twos - 0.75) < 0.03)
        let unique = Array(WeightedRandomSampler(weights: [1, 1, 1, 5], numSamples: 4, replacement: false))
        #expect(unique.sorted() == [0, 1, 2, 3])
    }
}

@Suite struct DataLoaderTests {
    @Test func sequentialBatchesInOrder() {
        let loader = DataLoader(ramp(7), batchSize: 3)
        #expect(loader.count == 3)
        var labels: [[Int]] = []
        for (x, y) in loader {
            #expect(x.shape == [y.shape[0], 2])
            labels.append(y.toInts())
        }
        #expect(labels == [[0, 1, 2], [3, 4, 5], [6]])
    }

    @Test func dropLast() {
        let loader = DataLoader(ramp(7), batchSize: 3, dropLast: true)
        #expect(loader.count == 2)
        #expect(loader.map { $0.1.toInts() } == [[0, 1, 2], [3, 4, 5]])
    }

    @Test func shuffleIsSeededAndCoversTheDataset() {
        func epochs(_ seed: UInt64) -> [[Int]] {
            let loader = DataLoader(ramp(10), batchSize: 4, shuffle: true, generator: Generator(seed: seed))
            return (0..<2).map { _ in loader.flatMap { $0.1.toInts() } }
        }
        let a = epochs(7)
        #expect(a == epochs(7))
        #expect(a != epochs(8))
        #expect(a[0] != a[1], "each epoch reshuffles")
        #expect(a[0].sorted() == Array(0..<10))
    }

    @Test(arguments: [1, 2, 3])
    func workersGiveTheSameBatches(workers: Int) {
        func batches(_ workers: Int) -> [[Double]] {
            let loader = DataLoader(ramp(23), batchSize: 4, shuffle: true, numWorkers: workers,
                                    generator: Generator(seed: 11))
            return loader.map { $0.0.toDoubles() + $0.1.toDoubles() }
        }
        #expect(batches(workers) == batches(0))
    }

    /// Random transforms on worker threads: batch k draws from a generator seeded with the
    /// epoch's base seed + k, so the batches are the same whatever the number of workers.
    @Test func workersSeedEachBatch() {
        func batches(_ workers: Int, seed: UInt64) -> [[Double]] {
            DataLoader(Noisy(), batchSize: 3, numWorkers: workers, generator: Generator(seed: seed)).map { $0.toDoubles() }
        }
        let one = batches(1, seed: 4)
        #expect(batches(2, seed: 4) == one)
        #expect(batches(3, seed: 4) == one)
        #expect(batches(2, seed: 5) != one)
        let base = Generator(seed: 4).withLock { $0.random64() }, second = Generator(seed: base &+ 1)
        #expect(one[1] == (3..<6).flatMap { (Tensor.rand([2], generator: second) + Double($0)).toDoubles() })
    }

    @Test func breakingEarlyStopsTheWorkers() {
        let loader = DataLoader(ramp(100), batchSize: 2, numWorkers: 2, prefetchFactor: 1)
        for (_, y) in loader {
            #expect(y.toInts() == [0, 1])
            break
        }
        #expect(loader.map { $0.1.toInts()[0] } == Array(stride(from: 0, to: 100, by: 2)))
    }

    @Test func customCollateAndSampler() {
        let loader = DataLoader(ramp(6), batchSize: 2, sampler: SequentialSampler(count: 4),
                                collate: { samples in samples.map { $0.1.itemInt() }.reduce(0, +) })
        #expect(Array(loader) == [1, 5])
        let bySampler = DataLoader(ramp(6), batchSampler: BatchSampler(SequentialSampler(count: 6), batchSize: 5, dropLast: false))
        #expect(bySampler.map { $0.1.shape[0] } == [5, 1])
    }
}
