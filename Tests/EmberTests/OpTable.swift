import Testing
@testable import Ember

// The op table: one line registers an op's case for every check. The name is the case's key in
// `scripts/fixtures/ops.py`, whose line beside it gives PyTorch's function and the inputs; the
// closure is what Ember computes from those inputs. `OpTableTests` compares the outputs with
// PyTorch's, the float64 gradients with PyTorch's, and runs a finite-difference gradcheck of the
// same closure on the same inputs. Adding an op: a line here, a line there, then regenerate
// `Tests/Fixtures/ops.json` with `scripts/fixtures/ops.py`.

/// One case of the op table.
struct OpEntry: Sendable, CustomTestStringConvertible {
    let name: String
    /// Whether the finite-difference gradcheck runs where PyTorch has a gradient (off where the
    /// inputs sit on a kink on purpose; PyTorch's gradients are compared regardless).
    let gradcheck: Bool
    let f: @Sendable ([Tensor]) -> [Tensor]

    init(_ name: String, gradcheck: Bool = true, _ f: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.init(name, gradcheck: gradcheck, outputs: { [f($0)] })
    }

    init(_ name: String, gradcheck: Bool = true, outputs f: @escaping @Sendable ([Tensor]) -> [Tensor]) {
        self.name = name
        self.gradcheck = gradcheck
        self.f = f
    }

    var testDescription: String { name }
}

let opTable: [OpEntry] = [
    // Element-wise unary.
    OpEntry("sgn") { $0[0].sgn() },
    OpEntry("sgn_int") { $0[0].sgn() },
    OpEntry("deg2rad") { $0[0].deg2rad() },
    OpEntry("rad2deg") { $0[0].rad2deg() },
    OpEntry("deg2rad_int") { $0[0].deg2rad() },
    OpEntry("sinc") { $0[0].sinc() },
    OpEntry("logit") { $0[0].logit() },
    OpEntry("logit_eps") { $0[0].logit(eps: 0.2) },
    OpEntry("nan_to_num", gradcheck: false) { $0[0].nanToNum() },  // NaN and ∞ inputs: no finite differences
    OpEntry("nan_to_num_values", gradcheck: false) { $0[0].nanToNum(nan: 1, posinf: 2, neginf: -3) },
    OpEntry("nan_to_num_f64", gradcheck: false) { $0[0].nanToNum() },
    OpEntry("nan_to_num_f16") { $0[0].nanToNum() },
    OpEntry("nan_to_num_grad") { $0[0].nanToNum() },

    // Element-wise binary and ternary.
    OpEntry("hypot") { $0[0].hypot($0[1]) },
    OpEntry("logaddexp") { $0[0].logaddexp($0[1]) },
    OpEntry("logaddexp_special") { $0[0].logaddexp($0[1]) },
    OpEntry("logaddexp2") { $0[0].logaddexp2($0[1]) },
    OpEntry("xlogy") { $0[0].xlogy($0[1]) },
    OpEntry("xlogy_special") { $0[0].xlogy($0[1]) },
    OpEntry("xlogy_int") { $0[0].xlogy($0[1]) },
    OpEntry("copysign", gradcheck: false) { $0[0].copysign($0[1]) },  // -0.0 and 0.0 signs: a kink
    OpEntry("copysign_int") { $0[0].copysign($0[1]) },
    OpEntry("div_trunc", gradcheck: false) { $0[0].div($0[1], roundingMode: "trunc") },  // a step at 3 / -3
    OpEntry("div_floor", gradcheck: false) { $0[0].div($0[1], roundingMode: "floor") },
    OpEntry("div_trunc_int") { $0[0].div($0[1], roundingMode: "trunc") },
    OpEntry("div_floor_int") { $0[0].div($0[1], roundingMode: "floor") },
    OpEntry("floor_divide_exact") { $0[0].floorDivide($0[1]) },
    OpEntry("lerp") { $0[0].lerp($0[1], weight: 0.3) },
    OpEntry("lerp_tensor") { $0[0].lerp($0[1], weight: $0[2]) },
    OpEntry("addcmul") { $0[0].addcmul($0[1], $0[2], value: 0.5) },
    OpEntry("addcdiv") { $0[0].addcdiv($0[1], $0[2], value: -2) },
    OpEntry("clamp_tensor") { $0[0].clamp(min: $0[1], max: $0[2]) },
    OpEntry("clamp_tensor_min") { $0[0].clamp(min: $0[1], max: nil) },
    OpEntry("clamp_tensor_max") { $0[0].clamp(min: nil, max: $0[1]) },
    OpEntry("clamp_tensor_crossed") { $0[0].clamp(min: $0[1], max: $0[2]) },

    // Bitwise.
    OpEntry("bitwise_and") { $0[0] & $0[1] },
    OpEntry("bitwise_or") { $0[0] | $0[1] },
    OpEntry("bitwise_xor") { $0[0] ^ $0[1] },
    OpEntry("bitwise_not") { ~$0[0] },
    OpEntry("bitwise_not_i8") { $0[0].bitwiseNot() },
    OpEntry("bitwise_not_u8") { $0[0].bitwiseNot() },
    OpEntry("bitwise_not_bool") { ~$0[0] },
    OpEntry("bitwise_and_bool") { $0[0].bitwiseAnd($0[1]) },
    OpEntry("bitwise_xor_bool") { $0[0].bitwiseXor($0[1]) },
    OpEntry("bitwise_or_u8_i8") { $0[0].bitwiseOr($0[1]) },
    OpEntry("left_shift") { $0[0] << $0[1] },
    OpEntry("left_shift_u8") { $0[0].bitwiseLeftShift($0[1]) },
    OpEntry("right_shift") { $0[0] >> $0[1] },
    OpEntry("right_shift_i8") { $0[0].bitwiseRightShift($0[1]) },

    // Activations.
    OpEntry("selu") { F.selu($0[0]) },
    OpEntry("celu") { F.celu($0[0]) },
    OpEntry("celu_alpha") { F.celu($0[0], alpha: 0.5) },
    OpEntry("elu_alpha") { F.elu($0[0], alpha: 0.7) },
    OpEntry("hardsigmoid") { F.hardsigmoid($0[0]) },
    OpEntry("hardswish") { F.hardswish($0[0]) },
    OpEntry("mish") { F.mish($0[0]) },
    OpEntry("softsign") { F.softsign($0[0]) },
    OpEntry("tanhshrink") { F.tanhshrink($0[0]) },
    OpEntry("softmin") { F.softmin($0[0], dim: 1) },
    OpEntry("softmin_dim0") { F.softmin($0[0], dim: 0) },
    OpEntry("glu") { F.glu($0[0]) },
    OpEntry("glu_dim0") { F.glu($0[0], dim: 0) },
    OpEntry("prelu") { F.prelu($0[0], weight: $0[1]) },
    OpEntry("prelu_single") { F.prelu($0[0], weight: $0[1]) },
    OpEntry("threshold") { F.threshold($0[0], threshold: 0.25, value: -5) },
    OpEntry("threshold_int") { F.threshold($0[0], threshold: 4, value: 100) },
    OpEntry("hardshrink") { F.hardshrink($0[0]) },
    OpEntry("hardshrink_lambd") { F.hardshrink($0[0], lambd: 1) },
    OpEntry("softshrink") { F.softshrink($0[0]) },
    OpEntry("softshrink_lambd") { F.softshrink($0[0], lambd: 1) },
]
