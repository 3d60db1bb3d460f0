// Views and copies for kernels and ops, never recorded by autograd: broadcasting, dtype
// conversion and contiguous copies.

extension Tensor {
    /// The broadcast of two shapes, stopping with PyTorch's message when they are incompatible.
    static func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int] {
        if a == b { return a }
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let x = i < n - a.count ? 1 : a[i - (n - a.count)]
            let y = i < n - b.count ? 1 : b[i - (n - b.count)]
            check(x == y || x == 1 || y == 1,
                         "The size of tensor a (\(x)) must match the size of tensor b (\(y)) at non-singleton dimension \(i)")
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// A broadcast view to `target` (already checked compatible), not recorded.
    func broadcastView(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = target.count - dim
        var st = [Int](repeating: 0, count: target.count)
        for i in 0..<dim where shape[i] == target[lead + i] { st[lead + i] = strides[i] }
        return Tensor(storage: storage, shape: target, strides: st, offset: storageOffset, dtype: dtype)
    }

    /// This tensor's values in `dtype`, not recorded (self when it already has it).
    func converted(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out
    }

    /// A contiguous copy not recorded by autograd (when already contiguous, an alias of the same
    /// memory with no history, sharing the version counter as `detach()` does).
    func contiguousRaw() -> Tensor {
        if isContiguous {
            let alias = Tensor(storage: storage, shape: shape, strides: strides, offset: storageOffset, dtype: dtype)
            alias.versionCounter = versionCounter
            return alias
        }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out
    }
}
