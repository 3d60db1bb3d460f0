extension Tensor {
    /// Reduces and casts an incoming gradient to fit input `t`.
    func gradFor(_ t: Tensor) -> Tensor {
        let g = shape == t.shape ? self : sumTo(t.shape)
        return g.dtype == t.dtype ? g : g.to(t.dtype)
    }
}
