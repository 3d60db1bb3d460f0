/// `out = c ? a : b` element-wise over operands expanded to `out.shape`.
private struct WhereTyped: ElementVisitor {
    let c: Tensor, a: Tensor, b: Tensor, out: Tensor
    func visit<T: Element>(_: T.Type) {
        let layout = StridedLayout(shape: out.shape, strides: [out.strides, c.strides, a.strides, b.strides])
        let po = out.pointer(as: T.self), pc = c.pointer(as: Bool.self), pa = a.pointer(as: T.self), pb = b.pointer(as: T.self)
        let so = layout.innerStride(0), sc = layout.innerStride(1), sa = layout.innerStride(2), sb = layout.innerStride(3)
        layout.parallelRows { offs, n in
            let o = po + offs[0], cc = pc + offs[1], x = pa + offs[2], y = pb + offs[3]
            for i in 0..<n { o[i * so] = cc[i * sc] ? x[i * sa] : y[i * sb] }
        }
    }
}

func whereKernel(_ c: Tensor, _ a: Tensor, _ b: Tensor, _ out: Tensor) {
    out.dtype.dispatch(WhereTyped(c: c, a: a, b: b, out: out))
}
