import Foundation

/// Copies `src` into `dst` element by element (same shape, any strides, any dtypes), converting
/// with C cast semantics. The hot same-dtype contiguous case is a single memcpy.
func copyElements(from src: Tensor, to dst: Tensor) {
    check(src.shape == dst.shape, "copy: shapes \(shapeString(src.shape)) and \(shapeString(dst.shape)) differ")
    if src.numel == 0 { return }
    if src.dtype == dst.dtype && src.isContiguous && dst.isContiguous {
        if src.pointer != dst.pointer { memmove(dst.pointer, src.pointer, src.numel * src.dtype.itemSize) }
        return
    }
    let layout = StridedLayout(shape: dst.shape, strides: [dst.strides, src.strides])
    if src.dtype == dst.dtype {
        switch src.dtype.itemSize {
        case 1: moveElements(UInt8.self, src, dst, layout)
        case 2: moveElements(UInt16.self, src, dst, layout)
        case 4: moveElements(UInt32.self, src, dst, layout)
        default: moveElements(UInt64.self, src, dst, layout)
        }
        return
    }
    src.dtype.dispatch(ConvertFrom(src: src, dst: dst, layout: layout))
}

@inline(__always)
private func moveElements<T>(_: T.Type, _ src: Tensor, _ dst: Tensor, _ layout: StridedLayout) {
    let s = src.pointer(as: T.self), d = dst.pointer(as: T.self)
    let si = layout.innerStride(1), di = layout.innerStride(0)
    layout.parallelRows { offs, n in
        let sp = s + offs[1], dp = d + offs[0]
        if si == 1 && di == 1 {
            dp.update(from: sp, count: n)
        } else {
            for i in 0..<n { dp[i * di] = sp[i * si] }
        }
    }
}

private struct ConvertFrom: ElementVisitor {
    let src: Tensor, dst: Tensor, layout: StridedLayout
    func visit<S: Element>(_: S.Type) {
        dst.dtype.dispatch(ConvertTo<S>(src: src, dst: dst, layout: layout))
    }
}

private struct ConvertTo<S: Element>: ElementVisitor {
    let src: Tensor, dst: Tensor, layout: StridedLayout
    func visit<D: Element>(_: D.Type) {
        let s = src.pointer(as: S.self), d = dst.pointer(as: D.self)
        let si = layout.innerStride(1), di = layout.innerStride(0)
        layout.parallelRows { offs, n in
            let sp = s + offs[1], dp = d + offs[0]
            if si == 1 && di == 1 {
                for i in 0..<n { dp[i] = D.cast(sp[i]) }
            } else {
                for i in 0..<n { dp[i * di] = D.cast(sp[i * si]) }
            }
        }
    }
}
