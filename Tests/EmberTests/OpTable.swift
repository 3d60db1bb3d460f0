@testable import Ember

// The op table: one line registers an op for every check. The name is the family the cases of
// `scripts/fixtures/ops.py` name (by default a case's own name): those lines give PyTorch's
// function and the inputs, one case each; the closure is what Ember computes from the inputs.
// `OpTableTests` runs every case: the outputs against PyTorch's, the float64 gradients against
// PyTorch's, and a finite-difference gradcheck of the same closure on the same inputs. Adding an
// op: a line here, its cases there, then regenerate `Tests/Fixtures/ops.json` with
// `scripts/fixtures/ops.py`.

/// One case of the op table.
struct OpEntry: Sendable {
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

}

let opTable: [OpEntry] = [
    // Unary element-wise ops (each family has value, special-value, dtype and gradient cases).
    OpEntry("abs") { $0[0].abs() },
    OpEntry("neg") { -$0[0] },
    OpEntry("sqrt") { $0[0].sqrt() },
    OpEntry("rsqrt") { $0[0].rsqrt() },
    OpEntry("exp") { $0[0].exp() },
    OpEntry("exp2") { $0[0].exp2() },
    OpEntry("log") { $0[0].log() },
    OpEntry("log2") { $0[0].log2() },
    OpEntry("log10") { $0[0].log10() },
    OpEntry("log1p") { $0[0].log1p() },
    OpEntry("expm1") { $0[0].expm1() },
    OpEntry("sin") { $0[0].sin() },
    OpEntry("cos") { $0[0].cos() },
    OpEntry("tan") { $0[0].tan() },
    OpEntry("asin") { $0[0].asin() },
    OpEntry("acos") { $0[0].acos() },
    OpEntry("atan") { $0[0].atan() },
    OpEntry("sinh") { $0[0].sinh() },
    OpEntry("cosh") { $0[0].cosh() },
    OpEntry("tanh") { $0[0].tanh() },
    OpEntry("asinh") { $0[0].asinh() },
    OpEntry("acosh") { $0[0].acosh() },
    OpEntry("atanh") { $0[0].atanh() },
    OpEntry("sigmoid") { $0[0].sigmoid() },
    OpEntry("logsigmoid") { $0[0].logSigmoid() },
    OpEntry("relu") { $0[0].relu() },
    OpEntry("silu") { $0[0].silu() },
    OpEntry("erf") { $0[0].erf() },
    OpEntry("erfc") { $0[0].erfc() },
    OpEntry("ceil") { $0[0].ceil() },
    OpEntry("floor") { $0[0].floor() },
    OpEntry("round") { $0[0].round() },
    OpEntry("trunc") { $0[0].trunc() },
    OpEntry("frac") { $0[0].frac() },
    OpEntry("sign") { $0[0].sign() },
    OpEntry("reciprocal") { $0[0].reciprocal() },
    OpEntry("square") { $0[0].square() },

    // Binary element-wise ops and comparisons.
    OpEntry("add") { $0[0] + $0[1] },
    OpEntry("add_alpha") { $0[0].add($0[1], alpha: 2) },
    OpEntry("sub") { $0[0] - $0[1] },
    OpEntry("sub_alpha") { $0[0].sub($0[1], alpha: -0.5) },
    OpEntry("mul") { $0[0] * $0[1] },
    OpEntry("div") { $0[0] / $0[1] },
    OpEntry("pow") { $0[0] ** $0[1] },
    OpEntry("remainder") { $0[0] % $0[1] },
    OpEntry("fmod") { $0[0].fmod($0[1]) },
    OpEntry("floor_divide") { $0[0].floorDivide($0[1]) },
    OpEntry("maximum") { $0[0].maximum($0[1]) },
    OpEntry("minimum") { $0[0].minimum($0[1]) },
    OpEntry("atan2") { $0[0].atan2($0[1]) },
    OpEntry("eq") { $0[0] .== $0[1] },
    OpEntry("ne") { $0[0] .!= $0[1] },
    OpEntry("lt") { $0[0] .< $0[1] },
    OpEntry("le") { $0[0] .<= $0[1] },
    OpEntry("gt") { $0[0] .> $0[1] },
    OpEntry("ge") { $0[0] .>= $0[1] },
    OpEntry("logical_and") { $0[0].logicalAnd($0[1]) },
    OpEntry("logical_or") { $0[0].logicalOr($0[1]) },
    OpEntry("logical_xor") { $0[0].logicalXor($0[1]) },
    OpEntry("logical_not_bool") { $0[0].logicalNot() },

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

    // Diagonals and triangles.
    OpEntry("diagonal") { $0[0].diagonal() },
    OpEntry("diagonal_offset") { $0[0].diagonal(offset: 1) },
    OpEntry("diagonal_negative") { $0[0].diagonal(offset: -1) },
    OpEntry("diagonal_dims") { $0[0].diagonal(offset: 1, dim1: 2, dim2: 0) },
    OpEntry("diag_embed") { $0[0].diagEmbed() },
    OpEntry("diag_embed_offset") { $0[0].diagEmbed(offset: -1, dim1: 0, dim2: 2) },
    OpEntry("diag_vector") { $0[0].diag(1) },
    OpEntry("diag_matrix") { $0[0].diag(-1) },
    OpEntry("trace") { $0[0].trace() },
    OpEntry("trace_int") { $0[0].trace() },
    OpEntry("tril") { $0[0].tril() },
    OpEntry("tril_k") { $0[0].tril(-1) },
    OpEntry("triu") { $0[0].triu() },
    OpEntry("triu_k") { $0[0].triu(2) },

    // Tiling, stacking, grids.
    OpEntry("tile") { $0[0].tile([2]) },
    OpEntry("tile_more") { $0[0].tile([2, 1, 2]) },
    OpEntry("repeat_interleave") { $0[0].repeatInterleave(2) },
    OpEntry("repeat_interleave_dim") { $0[0].repeatInterleave(3, dim: 1) },
    OpEntry("repeat_interleave_tensor") { $0[0].repeatInterleave($0[1], dim: 0) },
    OpEntry("hstack") { Tensor.hstack($0) },
    OpEntry("hstack_1d") { Tensor.hstack($0) },
    OpEntry("vstack") { Tensor.vstack($0) },
    OpEntry("dstack") { Tensor.dstack($0) },
    OpEntry("column_stack") { Tensor.columnStack($0) },
    OpEntry("rot90") { $0[0].rot90() },
    OpEntry("rot90_k2") { $0[0].rot90(2, dims: [1, 2]) },
    OpEntry("rot90_k3") { $0[0].rot90(-1, dims: [0, 1]) },
    OpEntry("meshgrid_ij", outputs: { Tensor.meshgrid($0, indexing: "ij") }),
    OpEntry("meshgrid_xy", outputs: { Tensor.meshgrid($0, indexing: "xy") }),
    OpEntry("cartesian_prod") { Tensor.cartesianProd($0) },
    OpEntry("combinations") { $0[0].combinations() },
    OpEntry("combinations_r3") { $0[0].combinations(r: 3) },
    OpEntry("combinations_replacement") { $0[0].combinations(withReplacement: true) },

    // Indexed updates.
    OpEntry("index_fill") { $0[0].indexFill(1, $0[1], -1.5) },
    OpEntry("index_copy") { $0[0].indexCopy(1, $0[1], $0[2]) },
    OpEntry("masked_scatter") { $0[0].maskedScatter($0[1], $0[2]) },
    OpEntry("take") { $0[0].take($0[1]) },
    OpEntry("take_along_dim") { $0[0].takeAlongDim($0[1], dim: 1) },
    OpEntry("take_along_dim_broadcast") { $0[0].takeAlongDim($0[1], dim: 0) },
    OpEntry("take_along_dim_flat") { $0[0].takeAlongDim($0[1]) },

    // Reductions and statistics.
    OpEntry("var_mean", outputs: { let r = $0[0].varMean(dims: [1]); return [r.variance, r.mean] }),
    OpEntry("std_mean", outputs: { let r = $0[0].stdMean(dims: [0], correction: 0, keepDim: true); return [r.std, r.mean] }),
    OpEntry("var_mean_all", outputs: { let r = $0[0].varMean(); return [r.variance, r.mean] }),
    OpEntry("nansum") { $0[0].nansum(dims: [1]) },
    OpEntry("nansum_grad") { $0[0].nansum() },
    OpEntry("nanmean") { $0[0].nanmean(dims: [1]) },
    OpEntry("nanmean_grad") { $0[0].nanmean(dims: [0]) },
    OpEntry("count_nonzero") { $0[0].countNonzero(dims: [0]) },
    OpEntry("count_nonzero_all") { $0[0].countNonzero() },
    OpEntry("aminmax", outputs: { let r = $0[0].aminmax(dim: 1); return [r.min, r.max] }),
    OpEntry("aminmax_all", outputs: { let r = $0[0].aminmax(); return [r.min, r.max] }),
    OpEntry("diff") { $0[0].diff() },
    OpEntry("diff_n2_dim0") { $0[0].diff(n: 2, dim: 0) },
    OpEntry("diff_prepend") { $0[0].diff(dim: 1, prepend: $0[1], append: $0[2]) },
    OpEntry("diff_bool") { $0[0].diff() },
    OpEntry("kthvalue", outputs: { let r = $0[0].kthvalue(2, dim: 1); return [r.values, r.indices] }),
    OpEntry("kthvalue_keepdim", outputs: { let r = $0[0].kthvalue(3, dim: 0, keepDim: true); return [r.values, r.indices] }),
    OpEntry("quantile") { $0[0].quantile(0.4, dim: 1) },
    OpEntry("quantile_all") { $0[0].quantile(0.75) },
    OpEntry("quantile_keepdim") { $0[0].quantile(0.3, dim: 0, keepDim: true) },
    OpEntry("quantile_tensor") { $0[0].quantile($0[1], dim: 1) },
    OpEntry("quantile_lower") { $0[0].quantile(0.4, dim: 1, interpolation: "lower") },
    OpEntry("quantile_higher") { $0[0].quantile(0.4, dim: 1, interpolation: "higher") },
    OpEntry("quantile_midpoint") { $0[0].quantile(0.4, dim: 1, interpolation: "midpoint") },
    OpEntry("quantile_nearest") { $0[0].quantile(0.4, dim: 1, interpolation: "nearest") },
    OpEntry("quantile_nan") { $0[0].quantile(0.4, dim: 1) },
    OpEntry("nanquantile") { $0[0].nanquantile(0.4, dim: 1) },
    OpEntry("nanquantile_all_nan") { $0[0].nanquantile(0.5, dim: 1) },

    // Scans.
    OpEntry("cummax", outputs: { let r = $0[0].cummax(1); return [r.values, r.indices] }),
    OpEntry("cummax_grad", outputs: { let r = $0[0].cummax(0); return [r.values, r.indices] }),
    OpEntry("cummin", outputs: { let r = $0[0].cummin(1); return [r.values, r.indices] }),
    OpEntry("cummin_int", outputs: { let r = $0[0].cummin(0); return [r.values, r.indices] }),
    OpEntry("logcumsumexp") { $0[0].logcumsumexp(1) },
    OpEntry("logcumsumexp_wide") { $0[0].logcumsumexp(0) },

    // Counting and searching.
    OpEntry("unique", outputs: { let r = $0[0].unique(returnInverse: true, returnCounts: true); return [r.values, r.inverse!, r.counts!] }),
    OpEntry("unique_float") { $0[0].unique().values },
    OpEntry("unique_dim", outputs: { let r = $0[0].unique(returnInverse: true, returnCounts: true, dim: 0); return [r.values, r.inverse!, r.counts!] }),
    OpEntry("unique_dim1") { $0[0].unique(dim: 1).values },
    OpEntry("unique_consecutive", outputs: {
        let r = $0[0].uniqueConsecutive(returnInverse: true, returnCounts: true)
        return [r.values, r.inverse!, r.counts!]
    }),
    OpEntry("unique_consecutive_dim") { $0[0].uniqueConsecutive(dim: 0).values },
    OpEntry("bincount") { $0[0].bincount() },
    OpEntry("bincount_minlength") { $0[0].bincount(minlength: 6) },
    OpEntry("bincount_weights") { $0[0].bincount(weights: $0[1]) },
    OpEntry("histc") { $0[0].histc(bins: 4, min: 0, max: 3) },
    OpEntry("histc_range") { $0[0].histc(bins: 5) },
    OpEntry("searchsorted") { $0[0].searchsorted($0[1]) },
    OpEntry("searchsorted_right") { $0[0].searchsorted($0[1], right: true) },
    OpEntry("searchsorted_rows") { $0[0].searchsorted($0[1]) },
    OpEntry("bucketize") { $0[0].bucketize($0[1]) },
    OpEntry("bucketize_right") { $0[0].bucketize($0[1], right: true) },

    // Distances and losses.
    OpEntry("cosine_similarity") { F.cosineSimilarity($0[0], $0[1]) },
    OpEntry("cosine_similarity_dim0_broadcast") { F.cosineSimilarity($0[0], $0[1], dim: 0) },
    OpEntry("pairwise_distance") { F.pairwiseDistance($0[0], $0[1]) },
    OpEntry("pairwise_distance_p1_keepdim") { F.pairwiseDistance($0[0], $0[1], p: 1, keepDim: true) },
    OpEntry("normalize") { F.normalize($0[0]) },
    OpEntry("normalize_p1_dim0") { F.normalize($0[0], p: 1, dim: 0) },
    OpEntry("margin_ranking_loss") { MarginRankingLoss(margin: 0.3)($0[0], $0[1], $0[2]) },
    OpEntry("hinge_embedding_loss") { HingeEmbeddingLoss(margin: 0.8)($0[0], $0[1]) },
    OpEntry("hinge_embedding_loss_none") { F.hingeEmbeddingLoss($0[0], $0[1], reduction: .none) },
    OpEntry("soft_margin_loss") { SoftMarginLoss()($0[0], $0[1]) },
    OpEntry("multilabel_soft_margin_loss") { MultiLabelSoftMarginLoss()($0[0], $0[1]) },
    OpEntry("multilabel_soft_margin_loss_weight") { F.multilabelSoftMarginLoss($0[0], $0[1], weight: $0[2], reduction: .sum) },
    OpEntry("multilabel_margin_loss") { MultiLabelMarginLoss()($0[0], $0[1]) },
    OpEntry("multilabel_margin_loss_1d") { F.multilabelMarginLoss($0[0], $0[1], reduction: .none) },
    OpEntry("multi_margin_loss") { MultiMarginLoss()($0[0], $0[1]) },
    OpEntry("multi_margin_loss_p2_weight") { F.multiMarginLoss($0[0], $0[1], p: 2, margin: 0.5, weight: $0[2], reduction: .none) },
    OpEntry("cosine_embedding_loss") { CosineEmbeddingLoss(margin: 0.1)($0[0], $0[1], $0[2]) },
    OpEntry("triplet_margin_loss") { TripletMarginLoss()($0[0], $0[1], $0[2]) },
    OpEntry("triplet_margin_loss_swap_p1") { F.tripletMarginLoss($0[0], $0[1], $0[2], margin: 2, p: 1, swap: true, reduction: .none) },
    OpEntry("triplet_margin_with_distance_loss") {
        TripletMarginWithDistanceLoss(distanceFunction: { 1.0 - F.cosineSimilarity($0, $1) }, margin: 0.5)($0[0], $0[1], $0[2])
    },
    OpEntry("poisson_nll_loss") { PoissonNLLLoss()($0[0], $0[1]) },
    OpEntry("poisson_nll_loss_full") { F.poissonNLLLoss($0[0], $0[1], logInput: false, full: true, reduction: .sum) },
    OpEntry("gaussian_nll_loss") { GaussianNLLLoss()($0[0], $0[1], $0[2]) },
    OpEntry("gaussian_nll_loss_full_per_sample") { F.gaussianNLLLoss($0[0], $0[1], $0[2], full: true, reduction: .none) },

    // Linear algebra.
    OpEntry("addmm") { $0[0].addmm($0[1], $0[2], beta: 0.5, alpha: 2) },
    OpEntry("addmv") { $0[0].addmv($0[1], $0[2]) },
    OpEntry("baddbmm") { $0[0].baddbmm($0[1], $0[2], alpha: 0.5) },
    OpEntry("addbmm") { $0[0].addbmm($0[1], $0[2]) },
    OpEntry("kron") { $0[0].kron($0[1]) },
    OpEntry("kron_ranks") { $0[0].kron($0[1]) },
    OpEntry("tensordot") { $0[0].tensordot($0[1], dims: 2) },
    OpEntry("tensordot_lists") { $0[0].tensordot($0[1], dims: ([0, 2], [2, 0])) },
    OpEntry("cdist") { Tensor.cdist($0[0], $0[1]) },
    OpEntry("cdist_p1_batched") { Tensor.cdist($0[0], $0[1], p: 1) },
    OpEntry("einsum_trace") { Tensor.einsum("ii->", $0) },
    OpEntry("einsum_diag") { Tensor.einsum("ii->i", $0) },
    OpEntry("einsum_batch_diag") { Tensor.einsum("bii,bj->bij", $0) },
    OpEntry("inv") { linalg.inv($0[0]) },
    OpEntry("inv_batched") { linalg.inv($0[0]) },
    OpEntry("det") { linalg.det($0[0]) },
    OpEntry("det_batched") { linalg.det($0[0]) },
    OpEntry("slogdet", outputs: { let r = linalg.slogdet($0[0]); return [r.sign, r.logabsdet] }),
    OpEntry("solve") { linalg.solve($0[0], $0[1]) },
    OpEntry("solve_vector") { linalg.solve($0[0], $0[1]) },
    OpEntry("solve_batched") { linalg.solve($0[0], $0[1]) },
    OpEntry("cholesky") { linalg.cholesky($0[0].matmul($0[0].mT) + Tensor.eye(3, dtype: $0[0].dtype)) },
    OpEntry("cholesky_batched") { linalg.cholesky($0[0].matmul($0[0].mT) + Tensor.eye(3, dtype: $0[0].dtype)) },
    OpEntry("qr_reconstruct") { let r = linalg.qr($0[0]); return r.Q.matmul(r.R) },
    OpEntry("qr_r_abs") { linalg.qr($0[0]).R.abs() },
    OpEntry("qr_complete_shapes", outputs: { let r = linalg.qr($0[0], mode: "complete"); return [r.Q.abs().sum(dim: -1), r.R.abs().sum(dim: -1)] }),
    OpEntry("svdvals") { linalg.svdvals($0[0]) },
    OpEntry("svd_reconstruct") { let r = linalg.svd($0[0], fullMatrices: false); return r.U.matmul(r.S.diag()).matmul(r.Vh) },
    OpEntry("svd_full_orthonormal", outputs: { let r = linalg.svd($0[0]); return [r.U.matmul(r.U.mT), r.S, r.Vh.matmul(r.Vh.mT)] }),
    OpEntry("eigvalsh") { linalg.eigvalsh($0[0] + $0[0].mT) },
    OpEntry("eigh_reconstruct") { let r = linalg.eigh($0[0] + $0[0].mT); return r.eigenvectors.matmul(r.eigenvalues.diag()).matmul(r.eigenvectors.mT) },
    OpEntry("lstsq") { linalg.lstsq($0[0], $0[1]).solution },
    OpEntry("lstsq_vector_rank") { linalg.lstsq($0[0], $0[1].unsqueeze(-1)).solution.squeeze(-1) },
    OpEntry("pinv") { linalg.pinv($0[0]) },
    OpEntry("pinv_rank_deficient") { linalg.pinv($0[0]) },
    OpEntry("matrix_norm_fro") { linalg.matrixNorm($0[0]) },
    OpEntry("matrix_norm_nuc") { linalg.matrixNorm($0[0], ord: "nuc") },
    OpEntry("matrix_norm_1") { linalg.matrixNorm($0[0], ord: 1) },
    OpEntry("matrix_norm_m1") { linalg.matrixNorm($0[0], ord: -1) },
    OpEntry("matrix_norm_inf") { linalg.matrixNorm($0[0], ord: .infinity) },
    OpEntry("matrix_norm_minf") { linalg.matrixNorm($0[0], ord: -.infinity) },
    OpEntry("matrix_norm_2") { linalg.matrixNorm($0[0], ord: 2) },
    OpEntry("linalg_norm_vector") { linalg.norm($0[0]) },
    OpEntry("linalg_norm_matrix_fro") { linalg.norm($0[0]) },

    // nn functional.
    OpEntry("sdpa") { F.scaledDotProductAttention($0[0], $0[1], $0[2]) },
    OpEntry("sdpa_causal_scale") { F.scaledDotProductAttention($0[0], $0[1], $0[2], isCausal: true, scale: 0.3) },
    OpEntry("sdpa_bool_mask") { F.scaledDotProductAttention($0[0], $0[1], $0[2], attnMask: $0[3]) },
    OpEntry("sdpa_float_mask") { F.scaledDotProductAttention($0[0], $0[1], $0[2], attnMask: $0[3]) },
    OpEntry("pixel_shuffle") { F.pixelShuffle($0[0], upscaleFactor: 2) },
    OpEntry("pixel_unshuffle") { F.pixelUnshuffle($0[0], downscaleFactor: 2) },
    OpEntry("unfold") { F.unfold($0[0], kernelSize: [2]) },
    OpEntry("unfold_params") { F.unfold($0[0], kernelSize: [2, 3], dilation: [1, 2], padding: [1], stride: [2, 1]) },
    OpEntry("fold") { F.fold($0[0], outputSize: [4, 5], kernelSize: [2]) },
    OpEntry("fold_params") { F.fold($0[0], outputSize: [5, 6], kernelSize: [2, 3], dilation: [1, 2], padding: [1], stride: [2, 1]) },
    OpEntry("instance_norm") { F.instanceNorm($0[0]) },
    OpEntry("instance_norm_affine") { F.instanceNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-3) },
    // The running statistics follow the input outside autograd, so finite differences see them move.
    OpEntry("instance_norm_running", gradcheck: false, outputs: { x in
        let (mean, variance) = (x[1].clone(), x[2].clone())
        return [F.instanceNorm(x[0], runningMean: mean, runningVar: variance, momentum: 0.2), mean, variance]
    }),
    OpEntry("instance_norm_eval") { F.instanceNorm($0[0], runningMean: $0[1], runningVar: $0[2], useInputStats: false) },
    OpEntry("local_response_norm") { F.localResponseNorm($0[0], size: 3) },
    OpEntry("local_response_norm_params") { F.localResponseNorm($0[0], size: 4, alpha: 0.1, beta: 0.5, k: 2) },
    OpEntry("embedding_bag_2d") { F.embeddingBag($0[0], $0[1]) },
    OpEntry("embedding_bag_offsets_sum") { F.embeddingBag($0[0], $0[1], offsets: $0[2], mode: .sum) },
    OpEntry("embedding_bag_max") { F.embeddingBag($0[0], $0[1], offsets: $0[2], mode: .max) },
    OpEntry("embedding_bag_weights_last") {
        F.embeddingBag($0[0], $0[1], offsets: $0[2], mode: .sum, perSampleWeights: $0[3], includeLastOffset: true)
    },
    OpEntry("embedding_bag_padding") { F.embeddingBag($0[0], $0[1], offsets: $0[2], paddingIdx: 2) },
    OpEntry("max_pool3d") { F.maxPool3d($0[0], kernelSize: [2]) },
    OpEntry("max_pool3d_params") { F.maxPool3d($0[0], kernelSize: [3, 2, 2], stride: [2, 1, 2], padding: [1]) },
    OpEntry("avg_pool3d") { F.avgPool3d($0[0], kernelSize: [2]) },
    OpEntry("avg_pool3d_params") { F.avgPool3d($0[0], kernelSize: [3, 2, 2], stride: [2, 1, 2], padding: [1]) },
    OpEntry("adaptive_avg_pool1d") { F.adaptiveAvgPool1d($0[0], outputSize: 3) },
    OpEntry("adaptive_max_pool1d") { F.adaptiveMaxPool1d($0[0], outputSize: 4) },
    OpEntry("adaptive_avg_pool3d") { F.adaptiveAvgPool3d($0[0], outputSize: [2, 3, 4]) },
    OpEntry("lp_pool2d") { F.lpPool2d($0[0], normType: 2, kernelSize: [2]) },
    OpEntry("lp_pool1d") { F.lpPool1d($0[0], normType: 3, kernelSize: 3, stride: 2) },
    OpEntry("max_unpool2d") {
        let (out, indices) = F.maxPool2dWithIndices($0[0], kernelSize: [2])
        return F.maxUnpool2d(out, indices: indices, kernelSize: [2])
    },
    OpEntry("max_unpool2d_size") {
        let (out, indices) = F.maxPool2dWithIndices($0[0], kernelSize: [2], stride: [2])
        return F.maxUnpool2d(out, indices: indices, kernelSize: [2], outputSize: [5, 7])
    },
    OpEntry("conv3d") { F.conv3d($0[0], $0[1], $0[2]) },
    OpEntry("conv3d_params") { F.conv3d($0[0], $0[1], stride: [2, 1, 2], padding: [1, 1, 0], dilation: [1, 2, 1], groups: 2) },
    OpEntry("conv_transpose1d") { F.convTranspose1d($0[0], $0[1], $0[2], stride: 2, padding: 1, outputPadding: 1) },
    OpEntry("conv_transpose3d") {
        F.convTranspose3d($0[0], $0[1], $0[2], stride: [2, 1, 2], padding: [1, 0, 1], outputPadding: [1, 0, 0])
    },
    OpEntry("interpolate_nearest_3d") { F.interpolate($0[0], size: [7]) },
    OpEntry("interpolate_nearest_5d") { F.interpolate($0[0], scaleFactor: [2, 1.5, 1]) },
    OpEntry("interpolate_linear") { F.interpolate($0[0], size: [7], mode: "linear") },
    OpEntry("interpolate_linear_corners") { F.interpolate($0[0], scaleFactor: [2.5], mode: "linear", alignCorners: true) },
    OpEntry("interpolate_trilinear") { F.interpolate($0[0], size: [3, 4, 5], mode: "trilinear") },
    OpEntry("interpolate_bicubic") { F.interpolate($0[0], size: [5, 7], mode: "bicubic") },
    OpEntry("interpolate_bicubic_corners") { F.interpolate($0[0], scaleFactor: [1.5], mode: "bicubic", alignCorners: true) },
    OpEntry("interpolate_area") { F.interpolate($0[0], size: [2, 3], mode: "area") },
    OpEntry("interpolate_area_1d") { F.interpolate($0[0], size: [3], mode: "area") },

    // Scatter with reductions; resizing.
    OpEntry("scatter_reduce_sum") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .sum) },
    OpEntry("scatter_reduce_sum_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .sum, includeSelf: false) },
    OpEntry("scatter_reduce_prod") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .prod) },
    OpEntry("scatter_reduce_prod_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .prod, includeSelf: false) },
    OpEntry("scatter_reduce_mean") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .mean) },
    OpEntry("scatter_reduce_mean_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .mean, includeSelf: false) },
    OpEntry("scatter_reduce_amax") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .amax) },
    OpEntry("scatter_reduce_amax_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .amax, includeSelf: false) },
    OpEntry("scatter_reduce_amin") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .amin) },
    OpEntry("scatter_reduce_amin_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .amin, includeSelf: false) },
    OpEntry("scatter_reduce_int_mean") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .mean) },
    OpEntry("resize_shrink") { $0[0].clone().resize_([2, 2]) },
    OpEntry("resize_transposed_storage") { $0[0].t().clone().resize_([3, 2]) },

    // Affine grids and grid sampling.
    OpEntry("affine_grid") { F.affineGrid($0[0], size: [2, 3, 4, 5]) },
    OpEntry("affine_grid_corners") { F.affineGrid($0[0], size: [2, 3, 4, 5], alignCorners: true) },
    OpEntry("grid_sample_bilinear_zeros_centers") { F.gridSample($0[0], $0[1], mode: "bilinear", paddingMode: "zeros", alignCorners: false) },
    OpEntry("grid_sample_bilinear_zeros_corners") { F.gridSample($0[0], $0[1], mode: "bilinear", paddingMode: "zeros", alignCorners: true) },
    OpEntry("grid_sample_bilinear_border_centers") { F.gridSample($0[0], $0[1], mode: "bilinear", paddingMode: "border", alignCorners: false) },
    OpEntry("grid_sample_bilinear_border_corners") { F.gridSample($0[0], $0[1], mode: "bilinear", paddingMode: "border", alignCorners: true) },
    OpEntry("grid_sample_bilinear_reflection_centers") { F.gridSample($0[0], $0[1], mode: "bilinear", paddingMode: "reflection", alignCorners: false) },
    OpEntry("grid_sample_bilinear_reflection_corners") { F.gridSample($0[0], $0[1], mode: "bilinear", paddingMode: "reflection", alignCorners: true) },
    OpEntry("grid_sample_nearest_zeros_centers") { F.gridSample($0[0], $0[1], mode: "nearest", paddingMode: "zeros", alignCorners: false) },
    OpEntry("grid_sample_nearest_zeros_corners") { F.gridSample($0[0], $0[1], mode: "nearest", paddingMode: "zeros", alignCorners: true) },
    OpEntry("grid_sample_nearest_border_centers") { F.gridSample($0[0], $0[1], mode: "nearest", paddingMode: "border", alignCorners: false) },
    OpEntry("grid_sample_nearest_border_corners") { F.gridSample($0[0], $0[1], mode: "nearest", paddingMode: "border", alignCorners: true) },
    OpEntry("grid_sample_nearest_reflection_centers") { F.gridSample($0[0], $0[1], mode: "nearest", paddingMode: "reflection", alignCorners: false) },
    OpEntry("grid_sample_nearest_reflection_corners") { F.gridSample($0[0], $0[1], mode: "nearest", paddingMode: "reflection", alignCorners: true) },

    // CTC.
    OpEntry("ctc_loss") { CTCLoss()($0[0].logSoftmax(dim: 2), $0[1], inputLengths: [6, 5], targetLengths: [3, 2]) },
    OpEntry("ctc_loss_concatenated_sum") {
        F.ctcLoss($0[0].logSoftmax(dim: 2), $0[1], inputLengths: [6, 6], targetLengths: [2, 3], blank: 3, reduction: .sum)
    },
    OpEntry("ctc_loss_none_empty_target") {
        F.ctcLoss($0[0].logSoftmax(dim: 2), $0[1], inputLengths: [4, 6], targetLengths: [0, 2], reduction: .none)
    },
    OpEntry("ctc_loss_impossible_zero_infinity") {
        F.ctcLoss($0[0].logSoftmax(dim: 2), $0[1], inputLengths: [2, 6], targetLengths: [3, 1], reduction: .none, zeroInfinity: true)
    },
    OpEntry("ctc_loss_impossible") {
        F.ctcLoss($0[0].logSoftmax(dim: 2), $0[1], inputLengths: [2, 6], targetLengths: [3, 1], reduction: .none)
    },

    // Edge cases found in review.
    OpEntry("linalg_norm_dims_3d") { linalg.norm($0[0], ord: 1, dims: [2, 0]) },
    OpEntry("linalg_norm_dims_keepdim") { linalg.norm($0[0], ord: .infinity, dims: [0, 2], keepDim: true) },
    OpEntry("solve_broadcast_matrix") { linalg.solve($0[0], $0[1]) },
    OpEntry("lstsq_broadcast") { linalg.lstsq($0[0], $0[1]).solution },
    OpEntry("slogdet_tiny", outputs: { let r = linalg.slogdet($0[0]); return [r.sign, r.logabsdet] }),
    OpEntry("scatter_reduce_prod_zero_untouched") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .prod) },
    OpEntry("grid_sample_nan") { F.gridSample($0[0], $0[1]) },
    OpEntry("combinations_empty") { $0[0].combinations() },
]
