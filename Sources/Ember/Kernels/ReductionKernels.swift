/// Reductions over the last axis of a contiguous `[outer, n]` buffer.
enum ReduceOp {
    case sum, prod, max, min, argmax, argmin, all, any
}

/// The largest (`isMax`) or smallest of `n > 0` values, NaN if any is NaN (as `torch.amax`).
@inline(__always)
func rowExtremum<F: BinaryFloatingPoint>(_ row: UnsafePointer<F>, _ n: Int, isMax: Bool) -> F {
    var best = row[0]
    for j in 1..<Swift.max(n, 1) {
        let v = row[j]
        if v.isNaN { return v }
        if isMax ? v > best : v < best { best = v }
    }
    return best
}

/// Sum of `n` floats: blocks summed with independent float accumulators (which vectorize),
/// blocks combined in double, bounding the rounding error for long rows.
@inline(__always)
func sumContiguous<T: BinaryFloatingPoint>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var total: Double = 0
    var i = 0
    while i < n {
        let end = Swift.min(i + 4096, n)
        var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0, a4: T = 0, a5: T = 0, a6: T = 0, a7: T = 0
        var j = i
        while j + 8 <= end {
            a0 += p[j]; a1 += p[j + 1]; a2 += p[j + 2]; a3 += p[j + 3]
            a4 += p[j + 4]; a5 += p[j + 5]; a6 += p[j + 6]; a7 += p[j + 7]
            j += 8
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        while j < end { s += p[j]; j += 1 }
        total += Double(s)
        i = end
    }
    return T(total)
}

private struct RowReduce: ElementVisitor {
    let op: ReduceOp, x: Tensor, out: Tensor, outer: Int, n: Int
    func visit<T: Element>(_: T.Type) {
        switch T.self {
        case is Float.Type: floating(Float.self)
        case is Double.Type: floating(Double.self)
        case is Int64.Type: integral()
        default: boolean()
        }
    }

    private func floating<F: BinaryFloatingPoint & Element>(_: F.Type) {
        let px = x.pointer(as: F.self)
        switch op {
        case .sum:
            let po = out.pointer(as: F.self)
            parallelFor(outer, costPerItem: n) { r in for i in r { po[i] = sumContiguous(px + i * n, n) } }
        case .prod:
            let po = out.pointer(as: F.self)
            rows { i in var a: F = 1; for j in 0..<n { a *= px[i * n + j] }; po[i] = a }
        case .max, .min:
            let po = out.pointer(as: F.self), isMax = op == .max
            rows { i in po[i] = rowExtremum(px + i * n, n, isMax: isMax) }
        case .argmax, .argmin:
            let po = out.pointer(as: Int64.self), isMax = op == .argmax
            rows { i in
                let row = px + i * n
                var best = row[0], at = 0
                if !best.isNaN {
                    for j in 1..<Swift.max(n, 1) {
                        let v = row[j]
                        if v.isNaN { at = j; break }
                        if isMax ? v > best : v < best { best = v; at = j }
                    }
                }
                po[i] = Int64(at)
            }
        case .all, .any:
            truth(px)
        }
    }

    private func integral() {
        let px = x.pointer(as: Int64.self)
        switch op {
        case .sum:
            let po = out.pointer(as: Int64.self)
            rows { i in var a: Int64 = 0; for j in 0..<n { a &+= px[i * n + j] }; po[i] = a }
        case .prod:
            let po = out.pointer(as: Int64.self)
            rows { i in var a: Int64 = 1; for j in 0..<n { a &*= px[i * n + j] }; po[i] = a }
        case .max, .min:
            let po = out.pointer(as: Int64.self), isMax = op == .max
            rows { i in
                var best = px[i * n]
                for j in 1..<Swift.max(n, 1) { let v = px[i * n + j]; if isMax ? v > best : v < best { best = v } }
                po[i] = best
            }
        case .argmax, .argmin:
            let po = out.pointer(as: Int64.self), isMax = op == .argmax
            rows { i in
                var best = px[i * n], at = 0
                for j in 1..<Swift.max(n, 1) { let v = px[i * n + j]; if isMax ? v > best : v < best { best = v; at = j } }
                po[i] = Int64(at)
            }
        case .all, .any:
            truth(px)
        }
    }

    /// `all` or `any` of each row: whether every element, or some element, is non-zero.
    private func truth<T: Numeric>(_ px: UnsafePointer<T>) {
        let po = out.pointer(as: Bool.self), isAll = op == .all
        rows { i in
            var r = isAll
            for j in 0..<n where (px[i * n + j] != .zero) != isAll { r = !isAll; break }
            po[i] = r
        }
    }

    private func boolean() {
        let px = x.pointer(as: Bool.self), po = out.pointer(as: Bool.self)
        switch op {
        case .all, .min, .prod: rows { i in var r = true; for j in 0..<n where !px[i * n + j] { r = false; break }; po[i] = r }
        case .any, .max, .sum: rows { i in var r = false; for j in 0..<n where px[i * n + j] { r = true; break }; po[i] = r }
        case .argmax, .argmin: fatalError("argmax on bool is computed on a converted tensor")
        }
    }

    private func rows(_ body: (Int) -> Void) {
        parallelFor(outer, costPerItem: n) { r in for i in r { body(i) } }
    }
}

/// Reduces each row of the contiguous `[outer, n]` tensor `x` (compute dtype) into `out` (`[outer]`).
func reduceRowsKernel(_ op: ReduceOp, _ x: Tensor, outer: Int, n: Int, into out: Tensor) {
    x.dtype.dispatch(RowReduce(op: op, x: x, out: out, outer: outer, n: n))
}

/// Sums the rows of a contiguous `[rows, inner]` float tensor into `out` (`[inner]`): the column
/// sum of a bias gradient, vectorized across the inner axis.
func sumLeadingKernel<T: BinaryFloatingPoint>(_: T.Type, _ x: Tensor, rows: Int, inner: Int, into out: Tensor) {
    let px = x.pointer(as: T.self), po = out.pointer(as: T.self)
    parallelFor(inner, costPerItem: rows) { cols in
        // Indices relative to rebased pointers: an overflow-checked `lo + j` keeps the loop scalar.
        let lo = cols.lowerBound, m = cols.count, o = po + lo
        o.update(repeating: 0, count: m)
        for r in 0..<rows {
            let row = px + r * inner + lo
            for j in 0..<m { o[j] += row[j] }
        }
    }
}

private struct Scan: ElementVisitor {
    let isProd: Bool, x: Tensor, out: Tensor, outer: Int, n: Int
    func visit<T: Element>(_: T.Type) {
        switch T.self {
        case is Float.Type: run(Float.self)
        case is Double.Type: run(Double.self)
        default: run(Int64.self)
        }
    }
    private func run<N: Numeric>(_: N.Type) {
        let px = x.pointer(as: N.self), po = out.pointer(as: N.self), prod = isProd
        parallelFor(outer, costPerItem: n) { r in
            for i in r {
                var acc: N = prod ? 1 : 0
                for j in 0..<n {
                    if prod { acc *= px[i * n + j] } else { acc += px[i * n + j] }
                    po[i * n + j] = acc
                }
            }
        }
    }
}

/// Inclusive prefix sums or products along the last axis of a contiguous `[outer, n]` tensor.
func scanKernel(product: Bool, _ x: Tensor, outer: Int, n: Int, into out: Tensor) {
    x.dtype.dispatch(Scan(isProd: product, x: x, out: out, outer: outer, n: n))
}
