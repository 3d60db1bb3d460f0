extension Tensor {
    /// How `scatterReduce` combines the values that meet at one position. PyTorch: `reduce`.
    public enum ScatterReduction: String, Sendable { case sum, prod, mean, amax, amin }

    /// A copy of `self` where each element of `src` is combined by `reduce` into the position
    /// `index` names along `dim` (the other coordinates its own); with `includeSelf` false the
    /// values of `self` at the positions written to take no part. PyTorch: `torch.scatter_reduce`.
    public func scatterReduce(_ d: Int, _ index: Tensor, _ src: Tensor, reduce: ScatterReduction,
                              includeSelf: Bool = true) -> Tensor {
        let dd = checkScatter(d, index, src, "scatter_reduce")
        check(src.dtype == dtype, "scatter_reduce(): Expected self.dtype to be equal to src.dtype")
        // Combined in doubles, position by position, in row-major order of `index`.
        var values = contiguous().toDoubles()
        let sources = src.contiguous().toDoubles(), targets = index.contiguous().toInts()
        let outStrides = Tensor.contiguousStrides(shape), srcStrides = Tensor.contiguousStrides(src.shape)
        var counts = Array(repeating: includeSelf ? 1 : 0, count: values.count)
        var touched = Array(repeating: false, count: values.count)
        let size = shape[dd]
        for target in targets {
            check(target >= 0 && target < size, "index \(target) is out of bounds for dimension \(dd) with size \(size)")
        }
        for (k, target) in targets.enumerated() {
            // The position of index element k: its coordinates, `dim` replaced by the target.
            var rest = k, outPos = 0, srcPos = 0
            for axis in 0..<index.dim {
                let size = index.shape[index.dim - 1 - axis], a = index.dim - 1 - axis
                let coordinate = rest % size
                rest /= size
                outPos += (a == dd ? target : coordinate) * outStrides[a]
                srcPos += coordinate * srcStrides[a]
            }
            let v = sources[srcPos]
            if !includeSelf && !touched[outPos] {
                values[outPos] = v
            } else {
                switch reduce {
                case .sum, .mean: values[outPos] += v
                case .prod: values[outPos] *= v
                case .amax: values[outPos] = v.isNaN || values[outPos].isNaN ? .nan : Swift.max(values[outPos], v)
                case .amin: values[outPos] = v.isNaN || values[outPos].isNaN ? .nan : Swift.min(values[outPos], v)
                }
            }
            touched[outPos] = true
            counts[outPos] += 1
        }
        if reduce == .mean {
            for i in values.indices where counts[i] > 0 {
                values[i] = dtype.isFloatingPoint ? values[i] / Double(counts[i]) : (values[i] / Double(counts[i])).rounded(.down)
            }
        }
        let out = Tensor(values, shape: shape, dtype: dtype)
        let written = Tensor(touched, shape: shape, dtype: .bool), count = Tensor(counts.map(Double.init), shape: shape, dtype: dtype)
        return out.recording("ScatterReduceBackward0", [self, src], saved: [self, src], savesOutput: true) { [self] g, out in
            let zero = Tensor.zerosLike(g)
            // Where `self` takes part: everywhere with includeSelf, else where nothing was written.
            let selfPart = includeSelf ? Tensor.onesLike(written) : written.logicalNot()
            switch reduce {
            case .sum:
                return [Tensor.where(selfPart, g, zero), g.gather(dd, index).padLeading(src.shape)]
            case .mean:
                let share = g / count.clamp(min: 1)
                return [Tensor.where(selfPart, share, zero), share.gather(dd, index).padLeading(src.shape)]
            case .prod:
                // For self, the product of what was scattered onto it (no division, so zeros in
                // self are fine). For src, out / value; a value that is the only zero meeting at
                // its position gets the product of the others instead (PyTorch's rule), and one
                // of several zeros gets zero (out is zero there).
                let others = noGrad { Tensor.onesLike(self).scatterReduce(dd, index, src, reduce: .prod) }
                let part = src.leadingCorner(index.shape)
                let (isZero, onlyZero, withoutIt) = noGrad { () -> (Tensor, Tensor, Tensor) in
                    let isZero = part .== 0.0
                    let zerosMet = Tensor.zerosLike(self).scatterAdd(dd, index, isZero.to(dtype)).gather(dd, index)
                    let onlyZero = isZero.logicalAnd(zerosMet .== 1.0)
                    let withoutIt = self.scatterReduce(dd, index, Tensor.where(onlyZero, Tensor.onesLike(part), part),
                                                       reduce: .prod, includeSelf: includeSelf)
                    return (isZero, onlyZero, withoutIt)
                }
                let divided = (g * out).gather(dd, index) / Tensor.where(isZero, Tensor.onesLike(part), part)
                let srcGrad = Tensor.where(onlyZero, (g * withoutIt).gather(dd, index), divided)
                return [Tensor.where(selfPart, g * others, zero), srcGrad.padLeading(src.shape)]
            case .amax, .amin:
                // Split evenly among the values equal to the result, as PyTorch does.
                let selfIsResult = (self .== out).logicalAnd(selfPart).to(g.dtype)
                let picked = out.gather(dd, index)
                let srcIsResult = (src.leadingCorner(index.shape) .== picked).to(g.dtype)
                let shares = selfIsResult.scatterAdd(dd, index, srcIsResult)
                let each = g / shares.clamp(min: 1)
                return [selfIsResult * each, (srcIsResult * each.gather(dd, index)).padLeading(src.shape)]
            }
        }
    }
}
