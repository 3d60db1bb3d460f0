@testable import Ember

// The op table: one line registers an op for every check. The name is the family the cases of
// `scripts/fixtures/ops.py` name (by default a case's own name): those lines give PyTorch's
// function and the inputs, one case each; the closure is what Ember computes from the inputs and,
// where one Swift line serves cases that differ in a dim or a flag, the case's named arguments.
// `OpTableTests` runs every case: the outputs against PyTorch's, the float64 gradients against
// PyTorch's, and a finite-difference gradcheck of the same closure on the same inputs. Adding an
// op: a line in this folder's file for its kind, its cases in the file of the same name under
// `scripts/fixtures/optable/`, then regenerate `Tests/Fixtures/ops.json` with
// `scripts/fixtures/ops.py`.

/// The named arguments of a case (the keywords its Python line passes to `op`).
struct OpArgs: Sendable {
    let values: [String: JSONValue]

    /// The argument `key`, or null when the case does not pass it.
    subscript(_ key: String) -> JSONValue { values[key] ?? .null }
}

/// One entry of the op table.
struct OpEntry: Sendable {
    let name: String
    /// Whether the finite-difference gradcheck runs where PyTorch has a gradient (off where the
    /// inputs sit on a kink on purpose; PyTorch's gradients are compared regardless).
    let gradcheck: Bool
    let f: @Sendable ([Tensor], OpArgs) -> [Tensor]

    init(_ name: String, gradcheck: Bool = true, _ f: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.init(name, gradcheck: gradcheck, outputs: { x, _ in [f(x)] })
    }

    init(_ name: String, gradcheck: Bool = true, outputs f: @escaping @Sendable ([Tensor]) -> [Tensor]) {
        self.init(name, gradcheck: gradcheck, outputs: { x, _ in f(x) })
    }

    init(_ name: String, gradcheck: Bool = true, _ f: @escaping @Sendable ([Tensor], OpArgs) -> Tensor) {
        self.init(name, gradcheck: gradcheck, outputs: { x, a in [f(x, a)] })
    }

    init(_ name: String, gradcheck: Bool = true, outputs f: @escaping @Sendable ([Tensor], OpArgs) -> [Tensor]) {
        self.name = name
        self.gradcheck = gradcheck
        self.f = f
    }
}

/// Every entry, by kind (one file each in this folder).
let opTable: [OpEntry] = elementwiseOps + activationOps + reductionOps + shapeOps + indexingOps
    + linearAlgebraOps + functionalOps + functionalCoreOps + creationOps + autogradOps
