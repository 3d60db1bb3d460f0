@testable import Ember

/// The op table's nn functional ops: distances, losses, attention, pooling, convolution, sampling, CTC.
let functionalOps: [OpEntry] = [
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

    // nn functional.
    OpEntry("sdpa") { F.scaledDotProductAttention($0[0], $0[1], $0[2]) },
    OpEntry("sdpa_causal_scale") { F.scaledDotProductAttention($0[0], $0[1], $0[2], isCausal: true, scale: 0.3) },
    OpEntry("sdpa_bool_mask") { F.scaledDotProductAttention($0[0], $0[1], $0[2], attnMask: $0[3]) },
    OpEntry("sdpa_float_mask") { F.scaledDotProductAttention($0[0], $0[1], $0[2], attnMask: $0[3]) },
    // PyTorch's CPU attention drops weights with `F.dropout`'s draws, which the default generator
    // reproduces: both seeded alike, the same weights drop.
    OpEntry("sdpa_dropout") { x, a in
        withOwnGenerator(seed: UInt64(a["seed"].int)) {
            F.scaledDotProductAttention(x[0], x[1], x[2], dropoutP: a["p"].double, isCausal: a["causal"].bool)
        }
    },
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
    OpEntry("grid_sample_nan") { F.gridSample($0[0], $0[1]) },

    // Modules, built from the case's arguments.
    OpEntry("instance_norm1d_module", outputs: { x, a in
        let m = InstanceNorm1d(3, eps: a["eps"].double, momentum: a["momentum"].double, affine: a["affine"].bool,
                               trackRunningStats: a["track"].bool, dtype: x[0].dtype).train(a["training"].bool)
        let out = m(x[0])
        return [out] + (m.trackRunningStats ? [m.runningMean!, m.runningVar!, m.numBatchesTracked!] : [])
    }),
    OpEntry("cosine_similarity_module") { CosineSimilarity()($0[0], $0[1]) },
    OpEntry("cosine_similarity_module_dim0") { CosineSimilarity(dim: 0, eps: 1e-3)($0[0], $0[1]) },
    OpEntry("pairwise_distance_module") { PairwiseDistance()($0[0], $0[1]) },
    OpEntry("pairwise_distance_module_p1_keepdim") { PairwiseDistance(p: 1, eps: 1e-3, keepDim: true)($0[0], $0[1]) },
    OpEntry("pairwise_distance_module_p3") { PairwiseDistance(p: 3)($0[0], $0[1]) },
    OpEntry("upsample_module") { x, a in
        let mode = a["mode"].string, corners = a["align_corners"].isNull ? nil : a["align_corners"].bool
        let m: Upsample
        if case .array = a["scales"] {
            m = Upsample(scaleFactor: a["scales"].array.map(\.double), mode: mode, alignCorners: corners)
        } else if case .array = a["size"] {
            m = Upsample(size: IntOrTuple(a["size"].ints), mode: mode, alignCorners: corners)
        } else if !a["size"].isNull {
            m = Upsample(size: IntOrTuple(a["size"].int), mode: mode, alignCorners: corners)
        } else {
            m = Upsample(scaleFactor: a["scale"].double, mode: mode, alignCorners: corners)
        }
        return m(x[0])
    },
]
