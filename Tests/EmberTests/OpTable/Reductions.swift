@testable import Ember

/// The op table's reductions, scans, counting and searching.
let reductionOps: [OpEntry] = [
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
    OpEntry("quantile_tensor_keepdim") { $0[0].quantile($0[1], dim: 0, keepDim: true) },
    OpEntry("quantile_tensor_all") { $0[0].quantile($0[1]) },
    OpEntry("quantile_tensor_interpolation") { x, a in x[0].quantile(x[1], dim: 1, interpolation: a["interpolation"].string) },
    OpEntry("quantile_lower") { $0[0].quantile(0.4, dim: 1, interpolation: "lower") },
    OpEntry("quantile_higher") { $0[0].quantile(0.4, dim: 1, interpolation: "higher") },
    OpEntry("quantile_midpoint") { $0[0].quantile(0.4, dim: 1, interpolation: "midpoint") },
    OpEntry("quantile_nearest") { $0[0].quantile(0.4, dim: 1, interpolation: "nearest") },
    OpEntry("quantile_nan") { $0[0].quantile(0.4, dim: 1) },
    OpEntry("nanquantile") { $0[0].nanquantile(0.4, dim: 1) },
    OpEntry("nanquantile_tensor") { $0[0].nanquantile($0[1], dim: 1) },
    OpEntry("nanquantile_all") { $0[0].nanquantile(0.7) },
    OpEntry("nanquantile_nearest") { $0[0].nanquantile(0.4, dim: 1, interpolation: "nearest") },
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

    // Reductions over dims, over one dim or all, and scans: `dims` or `dim`, `keepdim` and the
    // function's own parameter come from the case.
    OpEntry("sum") { x, a in x[0].sum(dims: a["dims"].optionalInts, keepDim: a["keepdim"].bool) },
    OpEntry("mean") { x, a in x[0].mean(dims: a["dims"].optionalInts, keepDim: a["keepdim"].bool) },
    OpEntry("amax") { x, a in x[0].amax(dims: a["dims"].optionalInts, keepDim: a["keepdim"].bool) },
    OpEntry("amin") { x, a in x[0].amin(dims: a["dims"].optionalInts, keepDim: a["keepdim"].bool) },
    OpEntry("var") { x, a in x[0].var(dims: a["dims"].optionalInts, correction: a["correction"].int, keepDim: a["keepdim"].bool) },
    OpEntry("std") { x, a in x[0].std(dims: a["dims"].optionalInts, correction: a["correction"].int, keepDim: a["keepdim"].bool) },
    OpEntry("norm") { x, a in x[0].norm(p: a["p"].double, dims: a["dims"].optionalInts, keepDim: a["keepdim"].bool) },
    OpEntry("logsumexp") { x, a in x[0].logsumexp(dims: a["dims"].ints, keepDim: a["keepdim"].bool) },
    OpEntry("prod") { x, a in x[0].prod(dim: a["dim"].optionalInt, keepDim: a["keepdim"].bool) },
    OpEntry("argmax") { x, a in x[0].argmax(dim: a["dim"].optionalInt, keepDim: a["keepdim"].bool) },
    OpEntry("argmin") { x, a in x[0].argmin(dim: a["dim"].optionalInt, keepDim: a["keepdim"].bool) },
    OpEntry("all") { x, a in x[0].all(dim: a["dim"].optionalInt, keepDim: a["keepdim"].bool) },
    OpEntry("any") { x, a in x[0].any(dim: a["dim"].optionalInt, keepDim: a["keepdim"].bool) },
    OpEntry("max", outputs: { x, a in
        guard let dim = a["dim"].optionalInt else { return [x[0].max()] }
        let r = x[0].max(dim: dim, keepDim: a["keepdim"].bool)
        return [r.values, r.indices]
    }),
    OpEntry("min", outputs: { x, a in
        guard let dim = a["dim"].optionalInt else { return [x[0].min()] }
        let r = x[0].min(dim: dim, keepDim: a["keepdim"].bool)
        return [r.values, r.indices]
    }),
    OpEntry("median", outputs: { x, a in
        guard let dim = a["dim"].optionalInt else { return [x[0].median()] }
        let r = x[0].median(dim: dim, keepDim: a["keepdim"].bool)
        return [r.values, r.indices]
    }),
    OpEntry("mode", outputs: { x, a in
        let r = x[0].mode(dim: a["dim"].int, keepDim: a["keepdim"].bool)
        return [r.values, r.indices]
    }),
    OpEntry("cumsum") { x, a in x[0].cumsum(a["dim"].int) },
    OpEntry("cumprod") { x, a in x[0].cumprod(a["dim"].int) },
    OpEntry("mean_strided") { $0[0][.all, .slice(0, nil, step: 2)].mean(dim: 1) },
    OpEntry("dist") { x, a in x[0].dist(x[1], p: a["p"].double) },

    // Sorting and top-k.
    OpEntry("sort", outputs: { x, a in
        let r = x[0].sort(dim: a["dim"].int, descending: a["descending"].bool)
        return [r.values, r.indices]
    }),
    OpEntry("argsort") { x, a in x[0].argsort(dim: a["dim"].int, descending: a["descending"].bool) },
    OpEntry("topk", outputs: { x, a in
        let r = x[0].topk(a["k"].int, dim: a["dim"].int, largest: a["largest"].bool)
        return [r.values, r.indices]
    }),
]
