import Foundation

/// Copies rows along one axis: `out[o, k, :] = x[o, index[k], :]` for contiguous `x` viewed as
/// `[outer, size, inner]` and contiguous `out` as `[outer, K, inner]`. Any dtype (bytes are moved).
func indexSelectKernel(_ x: Tensor, _ index: [Int], outer: Int, size: Int, inner: Int, into out: Tensor) {
    let bytes = inner * x.dtype.itemSize, k = index.count
    let px = x.pointer, po = out.pointer
    index.withUnsafeBufferPointer { idx in
        parallelFor(outer * k, costPerItem: inner) { r in
            for t in r {
                let o = t / k, j = t % k
                memcpy(po + (o * k + j) * bytes, px + (o * size + idx[j]) * bytes, bytes)
            }
        }
    }
}

private struct IndexAdd: ElementVisitor {
    let x: Tensor, src: Tensor, index: [Int], outer: Int, size: Int, inner: Int
    func visit<T: Element>(_: T.Type) {
        switch T.self {
        case is Float.Type: run(Float.self)
        case is Double.Type: run(Double.self)
        case is Int64.Type: run(Int64.self)
        default: fatalError("index_add: \(x.dtype) is computed in a wider type")
        }
    }
    private func run<N: Numeric>(_: N.Type) {
        let px = x.pointer(as: N.self), ps = src.pointer(as: N.self), k = index.count
        // Serial over the indexed axis so repeated indices accumulate without races.
        parallelFor(outer, costPerItem: k * inner) { r in
            for o in r {
                for j in 0..<k {
                    let d = px + (o * size + index[j]) * inner, s = ps + (o * k + j) * inner
                    for i in 0..<inner { d[i] += s[i] }
                }
            }
        }
    }
}

/// `x[o, index[k], :] += src[o, k, :]` (contiguous compute-dtype tensors), accumulating duplicates.
func indexAddKernel(_ x: Tensor, _ index: [Int], _ src: Tensor, outer: Int, size: Int, inner: Int) {
    x.dtype.dispatch(IndexAdd(x: x, src: src, index: index, outer: outer, size: size, inner: inner))
}

/// `x[o, index[k], :] = src[o, k, :]` for contiguous tensors of any dtype.
func indexCopyKernel(_ x: Tensor, _ index: [Int], _ src: Tensor, outer: Int, size: Int, inner: Int) {
    let bytes = inner * x.dtype.itemSize, k = index.count
    let px = x.pointer, ps = src.pointer
    for o in 0..<outer {
        for j in 0..<k { memcpy(px + (o * size + index[j]) * bytes, ps + (o * k + j) * bytes, bytes) }
    }
}

/// The shared walk of gather and scatter: for every position of `index` (int64), the element
/// offset in the indexed tensor `x` (whose stride along `dim` is applied to the index value) and
/// the offset in the companion tensor `other` (laid out like `index`).
@inline(__always)
func forEachIndexed(_ index: Tensor, _ x: Tensor, _ other: Tensor, dim: Int,
                    _ body: (_ xOffset: Int, _ otherOffset: Int) -> Void) {
    var xs = x.strides
    let dimStride = xs[dim], dimSize = x.shape[dim]
    xs[dim] = 0
    let layout = StridedLayout(shape: index.shape, strides: [index.strides, xs, other.strides])
    let pi = index.pointer(as: Int64.self)
    let si = layout.innerStride(0), sx = layout.innerStride(1), so = layout.innerStride(2)
    layout.forEachRow(0..<layout.rowCount) { offs, n in
        for i in 0..<n {
            var v = Int(pi[offs[0] + i * si])
            check(v >= -dimSize && v < dimSize,
                         "index \(v) is out of bounds for dimension \(dim) with size \(dimSize)")
            if v < 0 { v += dimSize }
            body(offs[1] + i * sx + v * dimStride, offs[2] + i * so)
        }
    }
}

@inline(__always)
private func gatherMove<T>(_: T.Type, _ x: Tensor, _ index: Tensor, _ dim: Int, _ out: Tensor) {
    let px = x.pointer(as: T.self), po = out.pointer(as: T.self)
    forEachIndexed(index, x, out, dim: dim) { xo, oo in po[oo] = px[xo] }
}

/// `out[...] = x[... index[...] ...]` along `dim`; moves elements of any dtype.
func gatherKernel(_ x: Tensor, _ index: Tensor, dim: Int, into out: Tensor) {
    switch x.dtype.itemSize {
    case 1: gatherMove(UInt8.self, x, index, dim, out)
    case 2: gatherMove(UInt16.self, x, index, dim, out)
    case 4: gatherMove(UInt32.self, x, index, dim, out)
    default: gatherMove(UInt64.self, x, index, dim, out)
    }
}

private struct ScatterTyped: ElementVisitor {
    let x: Tensor, index: Tensor, src: Tensor, dim: Int, accumulate: Bool
    func visit<T: Element>(_: T.Type) {
        let px = x.pointer(as: T.self), ps = src.pointer(as: T.self)
        if !accumulate {
            forEachIndexed(index, x, src, dim: dim) { xo, so in px[xo] = ps[so] }
            return
        }
        switch T.self {
        case is Float.Type: add(Float.self)
        case is Double.Type: add(Double.self)
        case is Int64.Type: add(Int64.self)
        default: fatalError("scatter_add: \(x.dtype) is computed in a wider type")
        }
    }
    private func add<N: Numeric>(_: N.Type) {
        let px = x.pointer(as: N.self), ps = src.pointer(as: N.self)
        forEachIndexed(index, x, src, dim: dim) { xo, so in px[xo] += ps[so] }
    }
}

/// `x[... index[...] ...] = src[...]` (or `+=`) along `dim`, in place; `x` and `src` share a dtype.
func scatterKernel(_ x: Tensor, _ index: Tensor, _ src: Tensor, dim: Int, accumulate: Bool) {
    x.dtype.dispatch(ScatterTyped(x: x, index: index, src: src, dim: dim, accumulate: accumulate))
}

/// Columns of a contiguous `rows × columns` float matrix `w` picked by index, moved to and from
/// rows: `gather` writes `out[r, :] = w[:, picked[r]]`, `scatterAdd` does `w[:, picked[r]] += g[r, :]`
/// (repeated picks accumulate, in the order of the picks). Both go through `w`'s transpose, so that
/// each pick is a contiguous row copied or added eight lanes at a time (reading the columns in
/// place was a strided scalar access per element).
struct ColumnKernels {
    let rows: Int, columns: Int
    let picked: [Int]

    /// `out[r, :] = w[:, picked[r]]`, plus `bias` (contiguous, `rows` long, `w`'s dtype) when given.
    func gather(_ w: Tensor, adding bias: Tensor? = nil, into out: Tensor) {
        if w.dtype == .float32 { gather(Float.self, w, bias, out) } else { gather(Double.self, w, bias, out) }
    }

    func scatterAdd(_ g: Tensor, into w: Tensor) {
        if w.dtype == .float32 { scatterAdd(Float.self, g, w) } else { scatterAdd(Double.self, g, w) }
    }

    private func gather<T: BinaryFloatingPoint>(_: T.Type, _ w: Tensor, _ bias: Tensor?, _ out: Tensor) {
        let (rows, columns) = (rows, columns), pw = w.pointer(as: T.self), po = out.pointer(as: T.self)
        let pb = bias?.pointer(as: T.self)
        let transposed = UnsafeMutablePointer<T>.allocate(capacity: rows * columns)
        defer { transposed.deallocate() }
        parallelFor(rows, costPerItem: columns) { range in
            for j in range {
                for c in 0..<columns { transposed[c * rows + j] = pw[j * columns + c] }
            }
        }
        picked.withUnsafeBufferPointer { picked in
            parallelFor(picked.count, costPerItem: rows) { range in
                for r in range {
                    let row = po + r * rows, column = transposed + picked[r] * rows
                    if let pb {
                        for j in 0..<rows { row[j] = column[j] + pb[j] }
                    } else {
                        row.update(from: column, count: rows)
                    }
                }
            }
        }
    }

    private func scatterAdd<T: BinaryFloatingPoint>(_: T.Type, _ g: Tensor, _ w: Tensor) {
        let (rows, columns) = (rows, columns), pg = g.pointer(as: T.self), pw = w.pointer(as: T.self)
        let sums = UnsafeMutablePointer<T>.allocate(capacity: rows * columns)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: rows * columns)
        let block = 256
        picked.withUnsafeBufferPointer { picked in
            parallelFor((rows + block - 1) / block, costPerItem: picked.count * block) { blocks in
                for b in blocks {
                    let first = b * block, count = Swift.min(block, rows - first)
                    for (r, column) in picked.enumerated() {
                        let from = pg + r * rows + first, to = sums + column * rows + first
                        for j in 0..<count { to[j] += from[j] }
                    }
                }
            }
        }
        parallelFor(rows, costPerItem: columns) { range in
            for j in range {
                for c in 0..<columns { pw[j * columns + c] += sums[c * rows + j] }
            }
        }
    }
}
