import Foundation
import Testing
@testable import Ember

// The default generator draws what PyTorch's CPU generator draws, bit for bit (each test on a
// generator of its own, `withOwnGenerator`, as other suites draw alongside): values and the
// generator's state afterwards, from `Tests/Fixtures/random.json`
// (`/work/torch215/bin/python scripts/fixtures/generators.py`).

struct GeneratorFixtures: Decodable {
    struct Call: Decodable {
        let op: String
        let args: [String: JSONValue]
        let out: JSONValue
    }
    struct Case: Decodable {
        let seed: UInt64
        let calls: [Call]
        let state: String
    }
    let torch: String
    let cases: [String: Case]
}

let generatorFixtures: GeneratorFixtures = loadFixtures("random.json")

/// A fixture tensor (`{"dtype", "shape", "values"}`) from its JSON.
private func fixtureTensor(_ v: JSONValue) -> FixtureTensor {
    let o = v.object
    return FixtureTensor(dtype: o["dtype"]!.string, shape: o["shape"]!.ints, values: o["values"]!.array)
}

/// The hex digits of a state's bytes.
private func hex(_ state: Tensor) -> String { state.toInts().map { String(format: "%02x", $0) }.joined() }

@Suite(.serialized) struct GeneratorTests {
    /// Runs one fixture call on the default generator, as the fixture script ran it on PyTorch's.
    private func run(_ call: GeneratorFixtures.Call) -> [Tensor] {
        let a = call.args
        let dtype = a["dtype"].map { fixtureDType($0.string) } ?? .float32
        let shape = a["shape"]?.ints ?? []
        switch call.op {
        case "rand": return [Tensor.rand(shape, dtype: dtype)]
        case "randn": return [Tensor.randn(shape, dtype: dtype)]
        case "normal_": return [Tensor.empty(shape, dtype: dtype).normal_(mean: a["mean"]!.double, std: a["std"]!.double)]
        case "uniform_": return [Tensor.empty(shape, dtype: dtype).uniform_(a["from"]!.double, a["to"]!.double)]
        case "bernoulli_": return [Tensor.empty(shape, dtype: dtype).bernoulli_(a["p"]!.double)]
        case "randperm": return [Tensor.randperm(a["n"]!.int)]
        case "randint": return [Tensor.randint(a["low"]!.int, a["high"]!.int, shape)]
        case "dropout": return [F.dropout(Tensor.arange(1, Double(a["n"]!.int) + 1), p: a["p"]!.double)]
        case "linear":
            let m = Linear(a["in"]!.int, a["out"]!.int)
            return [m.weight, m.bias!]
        case "conv2d":
            let m = Conv2d(a["in"]!.int, a["out"]!.int, kernelSize: IntOrTuple(a["k"]!.int))
            return [m.weight, m.bias!]
        default: fatalError("unknown op \(call.op)")
        }
    }

    @Test(arguments: generatorFixtures.cases.keys.sorted())
    func drawsWhatPyTorchDraws(_ name: String) { withOwnGenerator { drawsWhatPyTorchDrawsOnThisThread(name) } }

    private func drawsWhatPyTorchDrawsOnThisThread(_ name: String) {
        let c = generatorFixtures.cases[name]!
        manualSeed(c.seed)
        for (k, call) in c.calls.enumerated() {
            let expected: [FixtureTensor]
            if case .array(let items) = call.out { expected = items.map(fixtureTensor) } else { expected = [fixtureTensor(call.out)] }
            for (got, want) in zip(run(call), expected) {
                #expect(got.shape == want.shape, "\(name) call \(k) (\(call.op))")
                #expect(got.dtype == want.emberDType, "\(name) call \(k) (\(call.op))")
                if want.emberDType.isFloatingPoint {
                    #expect(got.toDoubles() == want.values.map(\.double), "\(name) call \(k) (\(call.op))")
                } else {
                    #expect(got.toInts() == want.values.map(\.int), "\(name) call \(k) (\(call.op))")
                }
            }
        }
        #expect(hex(getRngState()) == c.state, "\(name): generator state after the calls")
    }

    @Test func stateRoundTripsWithCachedNormal() {
        let g = Generator(seed: 11)
        _ = Tensor.randn([3], generator: g)  // leaves the pair's second value cached
        let saved = g.getState()
        let next = Tensor.randn([5], generator: g).toDoubles()
        let other = Generator(seed: 99)
        other.setState(saved)
        #expect(other.initialSeed == 11)
        #expect(Tensor.randn([5], generator: other).toDoubles() == next)
    }

    @Test func onlyTheLow32BitsOfASeedReachTheEngine() {
        let a = Tensor.rand([4], generator: Generator(seed: 5)).toDoubles()
        #expect(Tensor.rand([4], generator: Generator(seed: 1 << 32 | 5)).toDoubles() == a)
    }

    /// A shuffling loader draws as PyTorch's: one 64-bit base seed per epoch, then (without a
    /// generator of its own) the sampler's seed for a fresh generator that shuffles.
    @Test func loaderShufflesFromTheDefaultGeneratorAsPyTorch() { withOwnGenerator { loaderShufflesOnThisThread() } }

    private func loaderShufflesOnThisThread() {
        let data = TensorDataset(Tensor.arange(0, 10), Tensor.arange(0, 10))
        manualSeed(0)
        let order = DataLoader(data, batchSize: 10, shuffle: true).flatMap { $0.0.toInts() }
        // torch.manual_seed(0); [int(x) for b in DataLoader(TensorDataset(torch.arange(10.)), 10, shuffle=True) for x in b[0]]
        #expect(order == [6, 7, 1, 4, 2, 0, 9, 8, 3, 5])
        let g = Generator(seed: 5)
        #expect(DataLoader(data, batchSize: 10, shuffle: true, generator: g).flatMap { $0.0.toInts() }
            == [7, 4, 8, 1, 2, 3, 6, 5, 9, 0])
    }

    @Test func badStateIsRejected() async {
        await #expect(processExitsWith: .failure) {
            Generator().setState(Tensor.zeros([10], dtype: .uint8))
        }
    }
}
