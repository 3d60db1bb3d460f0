extension F {
    /// `linear(one_hot(tokens, V).to(weight.dtype), weight, bias)` for int64 `tokens` and a float
    /// `weight` `(out, V)`, without the one-hot tensor: row `r` of the result (shape `tokens.shape +
    /// [out]`) is column `tokens[r]` of `weight` plus `bias`, in one pass, and the weight's gradient
    /// adds each row of the output's gradient into the column its token picked. The same values as
    /// the product, at a cost of `tokens.numel · out` instead of `V` times that: a character model's
    /// input layer.
    static func oneHotLinear(_ tokens: Tensor, _ weight: Tensor, _ bias: Tensor? = nil) -> Tensor {
        check(weight.dim == 2 && (weight.dtype == .float32 || weight.dtype == .float64),
              "oneHotLinear: expected a 2-D float32 or float64 weight, got \(weight.dtype) \(shapeString(weight.shape))")
        let (rows, classes) = (weight.shape[0], weight.shape[1])
        if let bias {
            check(bias.shape == [rows] && bias.dtype == weight.dtype,
                  "oneHotLinear: expected a bias of shape (\(rows),) and dtype \(weight.dtype), got \(bias.dtype) \(shapeString(bias.shape))")
        }
        let picked = oneHotPicks(tokens, classes: classes)
        let w = weight.contiguousRaw(), b = bias?.contiguousRaw()
        let out = Tensor(uninitializedShape: tokens.shape + [rows], dtype: weight.dtype)
        ColumnKernels(rows: rows, columns: classes, picked: picked).gather(w, adding: b, into: out)
        return out.recording(bias == nil ? "MmBackward0" : "AddmmBackward0", [weight] + (bias.map { [$0] } ?? [])) { g, _ in
            let biasGradient = bias.map { _ in [g.reshape([-1, rows]).sum(dim: 0)] } ?? []
            if isGradEnabled {
                let oneHot = F.oneHot(tokens.reshape([-1]), numClasses: classes).to(g.dtype)
                return [g.reshape([-1, rows]).t().matmul(oneHot)] + biasGradient
            }
            let dw = Tensor.zeros([rows, classes], dtype: weight.dtype)
            ColumnKernels(rows: rows, columns: classes, picked: picked).scatterAdd(g.converted(weight.dtype).contiguousRaw(), into: dw)
            return [dw] + biasGradient
        }
    }

    /// The values of int64 `tokens`, checked as `one_hot(tokens, classes)` checks them.
    static func oneHotPicks(_ tokens: Tensor, classes: Int) -> [Int] {
        check(tokens.dtype == .int64, "one_hot is only applicable to index tensor of type LongTensor.")
        let picked = tokens.toInts()
        check(picked.allSatisfy { $0 >= 0 }, "Class values must be non-negative.")
        check(picked.allSatisfy { $0 < classes }, "Class values must be smaller than num_classes.")
        return picked
    }

    /// The class of each row of `x` along its last dimension (int64, `x.shape` without it) when `x`
    /// is a float one-hot tensor, every row a single 1 among zeros (the book's character models feed
    /// `F.one_hot(X.T, V).float()`); nil for any other tensor.
    static func oneHotClasses(_ x: Tensor) -> Tensor? {
        guard x.dtype == .float32 || x.dtype == .float64, x.dim >= 1, let classes = x.shape.last, classes > 0 else { return nil }
        let dense = x.contiguous(), rows = x.numel / classes
        func scan<T: BinaryFloatingPoint>(_: T.Type) -> [Int]? {
            let p = dense.pointer(as: T.self)
            var picked = [Int](repeating: 0, count: rows)
            for r in 0..<rows {
                var ones = 0, zeros = 0
                for c in 0..<classes {
                    let v = p[r * classes + c]
                    if v == 1 { ones += 1; picked[r] = c } else if v == 0 { zeros += 1 }
                }
                guard ones == 1, zeros == classes - 1 else { return nil }
            }
            return picked
        }
        guard let picked = x.dtype == .float32 ? scan(Float.self) : scan(Double.self) else { return nil }
        return Tensor(picked, shape: Array(x.shape.dropLast()), dtype: .int64)
    }
}
