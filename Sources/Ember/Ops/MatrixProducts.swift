extension Tensor {
    /// Whether this matrix is the transpose of a contiguous one (column-major strides).
    var isTransposedMatrix: Bool { dim == 2 && strides[0] == 1 && strides[1] == shape[0] && shape[0] > 1 && shape[1] > 1 }

    /// Matrix product of 2-D tensors. PyTorch: `torch.mm`.
    public func mm(_ other: Tensor) -> Tensor {
        check(dim == 2, "self must be a matrix")
        check(other.dim == 2, "mat2 must be a matrix")
        check(shape[1] == other.shape[0],
                     "mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))")
        check(dtype == other.dtype,
                     "expected m1 and m2 to have the same dtype, but got: \(dtype.description.dropFirst(6)) != \(other.dtype.description.dropFirst(6))")
        let ct = dtype.computeType
        let out = Tensor(uninitializedShape: [shape[0], other.shape[1]], dtype: ct)
        gemmKernel(converted(ct), other.converted(ct), out, batch: 1, m: shape[0], k: shape[1], n: other.shape[1])
        return out.converted(dtype).recording("MmBackward0", [self, other], saved: [self, other]) { [self] g, _ in
            // A transposed operand (a linear layer's `weight.t()`) gets its gradient computed
            // transposed, so that after `t()` it is contiguous like the parameter, as in PyTorch.
            [self.requiresGradFlag ? (self.isTransposedMatrix ? other.mm(g.t()).t() : g.mm(other.t())) : nil,
             other.requiresGradFlag ? (other.isTransposedMatrix ? g.t().mm(self).t() : self.t().mm(g)) : nil]
        }
    }

    /// Batched matrix product of 3-D tensors. PyTorch: `torch.bmm`.
    public func bmm(_ other: Tensor) -> Tensor {
        check(dim == 3, "batch1 must be a 3D tensor")
        check(other.dim == 3, "batch2 must be a 3D tensor")
        check(shape[0] == other.shape[0],
                     "Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])].")
        check(shape[2] == other.shape[1],
                     "Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])].")
        check(dtype == other.dtype, "expected scalar type \(dtype.castName) but found \(other.dtype.castName)")
        let ct = dtype.computeType
        let out = Tensor(uninitializedShape: [shape[0], shape[1], other.shape[2]], dtype: ct)
        gemmKernel(converted(ct), other.converted(ct), out, batch: shape[0], m: shape[1], k: shape[2], n: other.shape[2])
        return out.converted(dtype).recording("BmmBackward0", [self, other], saved: [self, other]) { [self] g, _ in
            [self.requiresGradFlag ? g.bmm(other.transpose(1, 2)) : nil,
             other.requiresGradFlag ? self.transpose(1, 2).bmm(g) : nil]
        }
    }

    /// Dot product of 1-D tensors. PyTorch: `torch.dot`.
    public func dot(_ other: Tensor) -> Tensor {
        check(dim == 1 && other.dim == 1,
                     "1D tensors expected, but got \(dim)D and \(other.dim)D tensors")
        check(shape[0] == other.shape[0],
                     "inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements, but got \(shape[0]) and \(other.shape[0]) elements respectively")
        check(dtype == other.dtype,
                     "dot : expected both vectors to have same dtype, but found \(dtype.castName) and \(other.dtype.castName)")
        let out = noGrad { unsqueeze(0).mm(other.unsqueeze(1)).reshape([]) }
        return out.recording("DotBackward0", [self, other], saved: [self, other]) { [self] g, _ in
            [other * g, self * g]
        }
    }

    /// Matrix-vector product. PyTorch: `torch.mv`.
    public func mv(_ vec: Tensor) -> Tensor {
        check(dim == 2 && vec.dim == 1,
                     "vector + matrix @ vector expected, got 1, \(dim), \(vec.dim)")
        check(shape[1] == vec.shape[0],
                     "size mismatch, got input (\(shape[0])), mat (\(shape[0])x\(shape[1])), vec (\(vec.shape[0]))")
        let out = noGrad { mm(vec.unsqueeze(1)).squeeze(1) }
        return out.recording("MvBackward0", [self, vec], saved: [self, vec]) { [self] g, _ in
            [g.outer(vec), self.t().mv(g)]
        }
    }

    /// Outer product of 1-D tensors. PyTorch: `torch.outer`.
    public func outer(_ other: Tensor) -> Tensor {
        check(dim == 1 && other.dim == 1, "outer: expected 1-D tensors, got \(dim)-D and \(other.dim)-D")
        return unsqueeze(1) * other.unsqueeze(0)
    }

    /// Matrix product with PyTorch's 1-D, 2-D, batched and broadcast rules (ONNX's `MatMul`, the
    /// same NumPy rules). PyTorch: `torch.matmul`.
    public func matmul(_ other: Tensor) -> Tensor {
        Tensor.traced("MatMul", [.tensor(self), .tensor(other)]) { matmulUntraced(other) }
    }

    private func matmulUntraced(_ other: Tensor) -> Tensor {
        check(dim > 0 && other.dim > 0,
                     "both arguments to matmul need to be at least 1D, but they are \(dim)D and \(other.dim)D")
        switch (dim, other.dim) {
        case (1, 1): return dot(other)
        case (2, 1): return mv(other)
        case (1, 2): return unsqueeze(0).mm(other).squeeze(0)
        case (2, 2): return mm(other)
        default: break
        }
        if other.dim <= 2 && dim >= 3 {
            // Fold the batch into rows: one large GEMM.
            let k = shape[dim - 1]
            let b = other.dim == 1 ? other.unsqueeze(1) : other
            check(k == b.shape[0],
                         "mat1 and mat2 shapes cannot be multiplied (\(numel / Swift.max(k, 1))x\(k) and \(b.shape[0])x\(b.shape[1]))")
            let out = reshape([-1, k]).mm(b)
            var outShape = Array(shape.dropLast()) + [b.shape[1]]
            if other.dim == 1 { outShape.removeLast() }
            return out.reshape(outShape)
        }
        let a = dim == 1 ? unsqueeze(0) : self
        let b = other.dim == 1 ? other.unsqueeze(1) : other
        let m = a.shape[a.dim - 2], k = a.shape[a.dim - 1], k2 = b.shape[b.dim - 2], n = b.shape[b.dim - 1]
        check(k == k2, "Expected size for first two dimensions of batch2 tensor to be: [\(a.shape.dropLast(2).reduce(1, *)), \(k)] but got: [\(b.shape.dropLast(2).reduce(1, *)), \(k2)].")
        let batchShape = Tensor.broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
        let batch = batchShape.reduce(1, *)
        let a3 = a.expand(batchShape + [m, k]).reshape([batch, m, k])
        let b3 = b.expand(batchShape + [k, n]).reshape([batch, k, n])
        var outShape = batchShape
        if dim > 1 { outShape.append(m) }
        if other.dim > 1 { outShape.append(n) }
        return a3.bmm(b3).reshape(outShape)
    }

    /// Einstein summation over the letters of `equation`; a letter repeated within one operand
    /// takes that operand's diagonal (`"ii->"` is the trace). No ellipsis. PyTorch: `torch.einsum`.
    public static func einsum(_ equation: String, _ operands: Tensor...) -> Tensor { einsum(equation, operands) }

    /// Einstein summation. PyTorch: `torch.einsum(equation, operands)`.
    public static func einsum(_ equation: String, _ operands: [Tensor]) -> Tensor {
        let eq = equation.filter { $0 != " " }
        let parts = eq.components(separatedBy: "->")
        let inputs = parts[0].split(separator: ",", omittingEmptySubsequences: false).map { Array($0) }
        check(inputs.count == operands.count,
                     "einsum(): more operands were provided than specified in the equation")
        var counts: [Character: Int] = [:]
        for term in inputs { for c in term { counts[c, default: 0] += 1 } }
        let output: [Character] = parts.count > 1 ? Array(parts[1]) : counts.keys.filter { counts[$0] == 1 }.sorted()
        var letters = output
        for term in inputs { for c in term where !letters.contains(c) { letters.append(c) } }
        var sizes: [Character: Int] = [:]
        var product: Tensor? = nil
        for (k, (subscripts, operand)) in zip(inputs, operands).enumerated() {
            check(subscripts.count == operand.dim,
                         "einsum(): the number of subscripts in the equation (\(subscripts.count)) does not match the number of dimensions (\(operand.dim)) for operand \(k) and no ellipsis was given")
            // A repeated letter reads the diagonal of its two dims, which moves to the end.
            var term = subscripts, t = operand
            while let c = term.first(where: { c in term.filter { $0 == c }.count > 1 }) {
                let i = term.firstIndex(of: c)!, j = term[(i + 1)...].firstIndex(of: c)!
                check(t.shape[i] == t.shape[j],
                      "einsum(): subscript \(c) is repeated for operand \(k) but the sizes don't match, \(t.shape[j]) != \(t.shape[i])")
                t = t.diagonal(offset: 0, dim1: i, dim2: j)
                term.remove(at: j)
                term.remove(at: i)
                term.append(c)
            }
            for (c, s) in zip(term, t.shape) {
                if let known = sizes[c], known != s, known != 1, s != 1 {
                    fatalError("einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript \(c) has size \(s) for operand \(k) which does not broadcast with previously seen size \(known)")
                }
                sizes[c] = Swift.max(sizes[c] ?? 1, s)
            }
            // Align the operand to the full letter order, with size-1 dims for missing letters.
            let present = letters.filter { term.contains($0) }
            var aligned = t.permute(present.map { term.firstIndex(of: $0)! })
            var shape: [Int] = []
            var j = 0
            for c in letters {
                if term.contains(c) { shape.append(aligned.shape[j]); j += 1 } else { shape.append(1) }
            }
            aligned = aligned.reshape(shape)
            product = product.map { $0 * aligned } ?? aligned
        }
        let summed = Array(output.count..<letters.count)
        guard var result = product else { fatalError("einsum(): must provide at least one operand") }
        if !summed.isEmpty { result = result.sum(dims: summed) }
        let full = output.map { sizes[$0] ?? 1 }
        return result.shape == full ? result : result.expand(full)
    }
}
