import RealModule

// Log-softmax over the last dim of contiguous float32 rows, each pass fused into one kernel: the
// composed form ran six ops (and four in backward), whose allocations and dispatch cost ~25 µs on
// a classifier's [256, 10] logits, several times the arithmetic. The roundings are the composed
// form's: the same vector exp, `sumContiguous` and libm log, in the same order.

/// `out = x - max - log(sum(exp(x - max)))` for each row of `[rows, n]`, `n > 0`. The
/// exponentials are taken over the whole buffer at once (rows are short: a classifier's 10).
func logSoftmaxRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
    parallelFor(rows, costPerItem: n) { range in
        for i in range {
            let row = x + i * n, o = out + i * n, m = rowExtremum(row, n, isMax: true)
            for j in 0..<n { o[j] = row[j] - m }
        }
    }
    let e = UnsafeMutablePointer<Float>.allocate(capacity: rows * n)
    defer { e.deallocate() }
    vectorUnary(ExpVectorOp.self, out, e, rows * n)
    parallelFor(rows, costPerItem: 8 * n) { range in
        for i in range {
            let o = out + i * n, l = Float.log(sumContiguous(e + i * n, n))
            for j in 0..<n { o[j] -= l }
        }
    }
}

/// `result = g - exp(out) * sum(g)` for each row of `[rows, n]`: log-softmax's gradient from its
/// output `out` and the output gradient `g`.
func logSoftmaxBackwardRows(_ g: UnsafePointer<Float>, _ out: UnsafePointer<Float>, _ result: UnsafeMutablePointer<Float>,
                            rows: Int, n: Int) {
    vectorUnary(ExpVectorOp.self, out, result, rows * n)
    parallelFor(rows, costPerItem: 2 * n) { range in
        for i in range {
            let gr = g + i * n, r = result + i * n
            let s = sumContiguous(gr, n)
            for j in 0..<n { r[j] = gr[j] - r[j] * s }
        }
    }
}
