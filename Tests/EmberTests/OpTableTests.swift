import Testing
@testable import Ember

/// PyTorch's values for the op table (`scripts/fixtures/ops.py`).
struct OpFixtures: Sendable, Decodable {
    let torch: String
    let cases: [String: FixtureCase]
}

let opFixtures: OpFixtures = loadFixtures("ops.json")

/// The op table by name.
let opEntries: [String: OpEntry] = Dictionary(uniqueKeysWithValues: opTable.map { ($0.name, $0) })

/// Relative tolerance of float64 gradients against PyTorch's: the two compute the same formulas,
/// though not always in the same order.
private let gradientTolerance = 1e-8

/// The weights the fixture script gives an output's elements in the loss it differentiates.
private func lossWeights(_ t: Tensor) -> Tensor {
    Tensor((0..<t.numel).map { Double($0 % 5) - 1.5 }, shape: t.shape, dtype: .float64)
}

@Suite struct OpTableTests {
    @Test func tableMatchesFixtures() {
        #expect(opEntries.count == opTable.count, "a name appears twice in the op table")
        let families = Set(opFixtures.cases.values.map(\.op))
        #expect(families == Set(opEntries.keys),
                "in the table only: \(Set(opEntries.keys).subtracting(families).sorted()); in ops.json only: \(families.subtracting(opEntries.keys).sorted())")
    }

    @Test(arguments: opFixtures.cases.keys.sorted())
    func forward(_ name: String) {
        guard let entry = opEntries[opFixtures.cases[name]!.op] else { return }
        checkCase(name, in: opFixtures.cases) { c, inputs in entry.f(inputs, OpArgs(values: c.args)) }
    }

    @Test(arguments: opFixtures.cases.filter { $0.value.grads != nil }.keys.sorted())
    func backward(_ name: String) {
        let c = opFixtures.cases[name]!
        guard let entry = opEntries[c.op] else { return }
        // The float inputs, in float64; those the fixture marks constant (targets PyTorch does not
        // differentiate) do not require grad.
        let constant = Set(c.args["constant"]?.ints ?? [])
        let isFloat = c.inputs.enumerated().map { k, t in t.emberDType.isFloatingPoint && !constant.contains(k) }
        let leaves = c.inputs.enumerated().map { k, t in
            let x = t.make()
            return isFloat[k] ? x.to(.float64).requiresGrad_() : (x.dtype.isFloatingPoint ? x.to(.float64) : x)
        }
        let floatLeaves = leaves.indices.filter { isFloat[$0] }.map { leaves[$0] }
        /// The entry's float outputs on `xs` (the float leaves, in order) and the other inputs.
        func outputs(_ xs: [Tensor]) -> [Tensor] {
            var it = xs.makeIterator()
            let all = leaves.indices.map { isFloat[$0] ? it.next()! : leaves[$0] }
            return entry.f(c.permuted(all), OpArgs(values: c.args)).filter { $0.dtype.isFloatingPoint }
        }
        let outs = outputs(floatLeaves)
        guard outs.contains(where: \.requiresGrad) else {
            Issue.record("\(name): PyTorch records a gradient, Ember's outputs do not require grad")
            return
        }
        let loss = outs.filter(\.requiresGrad).map { ($0 * lossWeights($0)).sum() }.reduce(Tensor(0.0, dtype: .float64), +)
        let grads = autograd.grad(outputs: [loss], inputs: floatLeaves, allowUnused: true)
        var k = 0
        for (i, expected) in c.grads!.enumerated() where isFloat[i] {
            let got = grads[k] ?? Tensor.zerosLike(floatLeaves[k])
            k += 1
            if let expected {
                expectMatches(got, expected, "\(name) gradient of input \(i)") { _ in gradientTolerance }
            } else {
                #expect(got.abs().sum().item() == 0, "\(name): PyTorch gives input \(i) no gradient")
            }
        }
        if entry.gradcheck && c.args["gradcheck"]?.bool != false {
            expectGradcheck(name, floatLeaves) { xs in Tensor.cat(outputs(xs).map { $0.reshape([-1]) }) }
        }
    }
}
