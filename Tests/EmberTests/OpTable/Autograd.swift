@testable import Ember

/// The op table's autograd cases: inputs used twice, in-place ops on tensors in the graph, and
/// second derivatives.
let autogradOps: [OpEntry] = [
    // Inputs used more than once.
    OpEntry("x_times_x") { $0[0] * $0[0] },
    OpEntry("mul_add_div") { $0[0] * $0[1] + $0[0] / 2.0 },

    // In-place ops on a non-leaf copy.
    OpEntry("add_") { nonLeaf($0[0]).add_($0[1]) },
    OpEntry("add_broadcast_") { nonLeaf($0[0]).add_($0[1]) },
    OpEntry("add_alpha_") { nonLeaf($0[0]).add_($0[1], alpha: 2) },
    OpEntry("add_into_constant_") { Tensor.ones([2, 3], dtype: $0[0].dtype).add_($0[0].exp()) },
    OpEntry("sub_") { nonLeaf($0[0]).sub_($0[1]) },
    OpEntry("mul_scalar_") { nonLeaf($0[0]).mul_(2.0) },
    OpEntry("mul_") { nonLeaf($0[0]).mul_($0[1]) },
    OpEntry("mul_of_atan_") { $0[0].atan().mul_(3.0) },
    OpEntry("div_scalar_") { nonLeaf($0[0]).div_(4.0) },
    OpEntry("div_") { nonLeaf($0[0]).div_($0[1]) },
    OpEntry("pow_scalar_") { nonLeaf($0[0]).pow_(2.5) },
    OpEntry("pow_") { nonLeaf($0[0]).pow_($0[1]) },
    OpEntry("compound_assignments") { var y = nonLeaf($0[0]); y += $0[1]; y *= 2.0; y -= $0[1]; return y },
    OpEntry("clamp_") { nonLeaf($0[0]).clamp_(min: -0.5, max: 1) },
    OpEntry("relu_") { nonLeaf($0[0]).relu_() },
    OpEntry("neg_") { nonLeaf($0[0]).neg_() },
    OpEntry("abs_") { nonLeaf($0[0]).abs_() },
    OpEntry("sqrt_") { nonLeaf($0[0]).sqrt_() },
    OpEntry("exp_") { nonLeaf($0[0]).exp_() },
    OpEntry("log_") { nonLeaf($0[0]).log_() },
    OpEntry("sigmoid_") { nonLeaf($0[0]).sigmoid_() },
    OpEntry("tanh_") { nonLeaf($0[0]).tanh_() },
    OpEntry("in_place_chain") { let y = nonLeaf($0[0]); y.mul_(2.0).add_($0[1]); return y.tanh_() },
    OpEntry("fill_") { nonLeaf($0[0]).fill_(2) + $0[0] },
    OpEntry("zero_") { nonLeaf($0[0]).zero_() * $0[0] },
    OpEntry("copy_") { nonLeaf($0[0]).copy_($0[1]) * $0[0] },
    OpEntry("masked_fill_") { nonLeaf($0[0]).maskedFill_(Tensor([true, false, true]), 0.5) },
    OpEntry("scatter_") { nonLeaf($0[0]).scatter_(1, Tensor([2, 0, 1, 2], shape: [2, 2]), $0[1]) },
    OpEntry("scatter_add_") { nonLeaf($0[0]).scatterAdd_(1, Tensor([2, 2, 1, 0], shape: [2, 2]), $0[1]) },
    OpEntry("index_put_") { nonLeaf($0[0]).indexPut_([Tensor([2, 0])], $0[1]) },
    OpEntry("index_put_broadcast_") { nonLeaf($0[0]).indexPut_([Tensor([1, 2])], $0[1]) },
    OpEntry("index_put_two_indices_") { nonLeaf($0[0]).indexPut_([Tensor([0, 2]), Tensor([1, 1])], $0[1]) },
    OpEntry("index_put_accumulate_") { nonLeaf($0[0]).indexPut_([Tensor([2, 0, 2])], $0[1], accumulate: true) },
    OpEntry("index_assign") { let y = nonLeaf($0[0]); y[Tensor([1, 0])] = $0[1].exp(); return y },
    OpEntry("mask_assign") { let y = nonLeaf($0[0]); y[Tensor([[true, false, true], [false, true, false]])] = $0[1]; return y },
    OpEntry("in_place_then_used") { let y = $0[0].sin(); y.mul_(2.0); return y * $0[0] },

    // Second derivatives: each entry is the first derivative of the function it names.
    OpEntry("gradgrad_mul", firstDerivative { $0[0] * $0[1] }),
    OpEntry("gradgrad_mul_broadcast", firstDerivative { $0[0] * $0[1] }),
    OpEntry("gradgrad_x_times_x", firstDerivative { $0[0] * $0[0] }),
    OpEntry("gradgrad_div", firstDerivative { $0[0] / $0[1] }),
    OpEntry("gradgrad_exp", firstDerivative { $0[0].exp() }),
    OpEntry("gradgrad_tanh", firstDerivative { $0[0].tanh() }),
    OpEntry("gradgrad_sigmoid", firstDerivative { $0[0].sigmoid() }),
    OpEntry("gradgrad_log", firstDerivative { $0[0].log() }),
    OpEntry("gradgrad_sqrt", firstDerivative { $0[0].sqrt() }),
    OpEntry("gradgrad_sin_transposed", firstDerivative { $0[0].t().sin() }),
    OpEntry("gradgrad_pow_3", firstDerivative { $0[0] ** 3 }),
    OpEntry("gradgrad_pow_2p5", firstDerivative { $0[0].pow(2.5) }),
    OpEntry("gradgrad_pow_tensor", firstDerivative { $0[0] ** $0[1] }),
    OpEntry("gradgrad_rpow_2", firstDerivative { 2.0 ** $0[0] }),
    OpEntry("gradgrad_matmul", firstDerivative { $0[0].matmul($0[1]) }),
    OpEntry("gradgrad_matmul_batched_tanh", firstDerivative { $0[0].matmul($0[1]).tanh() }),
    OpEntry("gradgrad_mm_of_squares", firstDerivative { $0[0].mm(($0[0] * $0[0]).t()) }),
    OpEntry("gradgrad_sum_d1_squared", firstDerivative { $0[0].sum(dim: 1) ** 2 }),
    OpEntry("gradgrad_sum_of_cube", firstDerivative { ($0[0] ** 3).sum() }),
    OpEntry("gradgrad_mean_d0_squared", firstDerivative { $0[0].mean(dim: 0) ** 2 }),
    OpEntry("gradgrad_log_softmax", firstDerivative { $0[0] - $0[0].logsumexp(dim: 1, keepDim: true) }),
    OpEntry("gradgrad_softmax_composite", firstDerivative { ($0[0] - $0[0].logsumexp(dim: 1, keepDim: true)).exp() }),
    OpEntry("gradgrad_prod_d1", firstDerivative { $0[0].prod(dim: 1) }),
    OpEntry("gradgrad_norm_d1", firstDerivative { $0[0].norm(dim: 1) }),
    OpEntry("gradgrad_var_d1", firstDerivative { $0[0].var(dim: 1) }),
    OpEntry("gradgrad_gather_of_squares", firstDerivative { ($0[0] * $0[0]).gather(1, Tensor([2, 0, 1, 1], shape: [2, 2])) }),
    OpEntry("gradgrad_select_and_narrow", firstDerivative { xs in
        let x = xs[0] * xs[0]
        return x.select(0, 1).narrow(0, 1, 2) * x[2, 0...1]
    }),
    OpEntry("gradgrad_softmax", firstDerivative { $0[0].softmax(dim: 1) }),
    OpEntry("gradgrad_log_softmax_d0", firstDerivative { $0[0].logSoftmax(dim: 0) }),
    OpEntry("gradgrad_layer_norm", firstDerivative { F.layerNorm($0[0], normalizedShape: [3]) }),
    OpEntry("gradgrad_batch_norm_train", firstDerivative {
        F.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true)
    }),
    OpEntry("gradgrad_batch_norm_eval", firstDerivative {
        F.batchNorm($0[0], runningMean: Tensor([0.3, -0.2], dtype: .float64), runningVar: Tensor([1.5, 0.7], dtype: .float64),
                    weight: $0[1], training: false)
    }),
    OpEntry("gradgrad_cross_entropy", firstDerivative { F.crossEntropy($0[0], Tensor([1, 0, 2])) }),
    OpEntry("gradgrad_binary_cross_entropy", firstDerivative {
        F.binaryCrossEntropy($0[0], Tensor([[0.2, 0.9], [0.5, 0.1]], dtype: .float64))
    }),
]

/// `x * 1.0`: a non-leaf copy of `x` that in-place ops may modify.
private func nonLeaf(_ x: Tensor) -> Tensor { x * 1.0 }
