import Testing
@testable import Ember

/// PyTorch's repr of a tensor (`scripts/fixtures/printing.py`).
struct ReprCase: Sendable, Decodable {
    let input: FixtureTensor
    let args: [String: JSONValue]
    let expected: String
}

struct PrintingFixtures: Sendable, Decodable {
    let torch: String
    let repr: [String: ReprCase]
}

let printingFixtures: PrintingFixtures = loadFixtures("printing.json")

/// `print(tensor)` against PyTorch's `repr`: formats, summarizing, line wrapping, dtype suffixes,
/// `requires_grad` and `grad_fn`.
@Suite struct PrintingTests {
    @Test(arguments: printingFixtures.repr.keys.sorted())
    func printing(_ name: String) {
        let r = printingFixtures.repr[name]!
        var t = r.input.make()
        if r.args["requires_grad"]?.bool == true { t.requiresGrad = true }
        switch r.args["post"]?.isNull == false ? r.args["post"]!.string : "" {
        case "add1": t = t + 1
        case "mul2": t = t * 2
        default: break
        }
        #expect(String(describing: t) == r.expected, "\(name)")
    }
}
