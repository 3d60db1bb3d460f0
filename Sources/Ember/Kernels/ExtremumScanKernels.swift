import RealModule

/// Running maxima (or minima) along the last axis of contiguous `[outer, n]` rows, with the index
/// each came from: a later equal value takes over the index, and a NaN, once met, stays (both as
/// PyTorch's `cummax`/`cummin`).
func extremumScanKernel<T: Comparable & Element>(_: T.Type, maximum: Bool, _ x: Tensor, outer: Int, n: Int,
                                                  values: Tensor, indices: Tensor) {
    let px = x.pointer(as: T.self), pv = values.pointer(as: T.self), pi = indices.pointer(as: Int64.self)
    parallelFor(outer, costPerItem: n) { rows in
        for r in rows {
            let row = px + r * n
            var best = row[0], at = 0
            for j in 0..<n {
                let v = row[j]
                // `v != v` only for a NaN: it wins and then keeps winning.
                if v != v || (best == best && (maximum ? v >= best : v <= best)) { best = v; at = j }
                pv[r * n + j] = best
                pi[r * n + j] = Int64(at)
            }
        }
    }
}

/// `log(cumsum(exp(x)))` along the last axis of contiguous float rows, each step a stable
/// log-add-exp of the running value and the next element.
func logCumSumExpKernel<T: RealFloat>(_: T.Type, _ x: Tensor, outer: Int, n: Int, into out: Tensor) {
    let px = x.pointer(as: T.self), po = out.pointer(as: T.self)
    parallelFor(outer, costPerItem: 2 * libmCost * n) { rows in
        for r in rows {
            var acc = -T.infinity
            for j in 0..<n {
                acc = BinaryFn.Logaddexp.apply(acc, px[r * n + j])
                po[r * n + j] = acc
            }
        }
    }
}
