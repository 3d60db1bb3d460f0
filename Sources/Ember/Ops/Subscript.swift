/// One component of a subscript: an integer, a slice, `...`, a new axis, or an index tensor.
/// PyTorch: the items of `tensor[...]`. Written `.all`, `.ellipsis`, `.newAxis`, `.slice(1, nil, step: 2)`
/// inside a subscript, beside plain integers, Swift ranges and tensors.
public struct TensorIndex: TensorIndexExpression {
    enum Item {
        case index(Int)
        case slice(start: Int?, end: Int?, step: Int)
        case ellipsis
        case newAxis
        case tensor(Tensor)
    }
    let item: Item

    public var tensorIndex: TensorIndex { self }
}

/// A value usable inside `tensor[...]`: `Int`, Swift ranges, `Tensor`, or `TensorIndex`.
public protocol TensorIndexExpression {
    /// The index component this value stands for.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndexExpression where Self == TensorIndex {
    /// `:`, the whole dim.
    public static var all: TensorIndex { TensorIndex(item: .slice(start: nil, end: nil, step: 1)) }
    /// `...`: as many full slices as needed.
    public static var ellipsis: TensorIndex { TensorIndex(item: .ellipsis) }
    /// `None`: a new size-1 dim.
    public static var newAxis: TensorIndex { TensorIndex(item: .newAxis) }
    /// `start:end:step` with Python's clamping; nil bounds mean the ends.
    public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex {
        TensorIndex(item: .slice(start: start, end: end, step: step))
    }
}

extension Int: TensorIndexExpression {
    public var tensorIndex: TensorIndex { TensorIndex(item: .index(self)) }
}
extension Range: TensorIndexExpression where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, upperBound) }
}
extension ClosedRange: TensorIndexExpression where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, upperBound + 1) }
}
extension PartialRangeFrom: TensorIndexExpression where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, nil) }
}
extension PartialRangeUpTo: TensorIndexExpression where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(nil, upperBound) }
}
extension PartialRangeThrough: TensorIndexExpression where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(nil, upperBound + 1) }
}
extension Tensor: TensorIndexExpression {
    public var tensorIndex: TensorIndex { TensorIndex(item: .tensor(self)) }
}

extension Tensor {
    /// Applies basic indexing; returns the view and the advanced indices with the view dims they apply to.
    private func applyBasic(_ items: [TensorIndex.Item]) -> (Tensor, [(Int, Tensor)]) {
        let consumed = items.reduce(0) { n, i in
            switch i {
            case .index, .slice: n + 1
            case .tensor(let t): n + (t.dtype == .bool ? Swift.max(t.dim, 1) : 1)
            case .ellipsis, .newAxis: n
            }
        }
        check(consumed <= dim, "too many indices for tensor of dimension \(dim)")
        check(items.filter { if case .ellipsis = $0 { true } else { false } }.count <= 1,
                     "an index can only have a single ellipsis ('...')")
        var t = self, d = 0
        var advanced: [(Int, Tensor)] = []
        for item in items {
            switch item {
            case .index(let i):
                let size = t.shape[d]
                check(i >= -size && i < size, "index \(i) is out of bounds for dimension \(d) with size \(size)")
                t = t.select(d, i)
            case .slice(let s, let e, let step):
                check(step > 0, "step must be greater than zero")
                let size = t.shape[d]
                func clampBound(_ v: Int?, _ def: Int) -> Int {
                    guard var v else { return def }
                    if v < 0 { v += size }
                    return Swift.min(Swift.max(v, 0), size)
                }
                let lo = clampBound(s, 0), hi = Swift.max(clampBound(e, size), lo)
                if !(lo == 0 && hi == size && step == 1) { t = t.slice(d, lo, hi, step) }
                d += 1
            case .ellipsis:
                d += dim - consumed
            case .newAxis:
                t = t.unsqueeze(d)
                d += 1
            case .tensor(let idx):
                if idx.dtype == .bool || idx.dtype == .uint8 {
                    let mask = idx.to(.bool)
                    for k in 0..<mask.dim {
                        check(mask.shape[k] == t.shape[d + k],
                                     "The shape of the mask \(shapeString(mask.shape)) at index \(k) does not match the shape of the indexed tensor \(shapeString(t.shape)) at index \(d + k)")
                    }
                    if mask.dim == 0 {
                        t = t.unsqueeze(d)
                        advanced.append((d, mask.item() != 0 ? Tensor.zeros([1], dtype: .int64) : Tensor.zeros([0], dtype: .int64)))
                        d += 1
                    } else {
                        for (k, positions) in mask.nonzero(asTuple: true).enumerated() { advanced.append((d + k, positions)) }
                        d += mask.dim
                    }
                } else {
                    check(!idx.dtype.isFloatingPoint,
                                 "tensors used as indices must be long, int, byte or bool tensors")
                    advanced.append((d, idx))
                    d += 1
                }
            }
        }
        return (t, advanced)
    }

    /// Indexing with integers, ranges, `...`, new axes and index tensors. PyTorch: `tensor[...]`.
    /// Basic indices give views; tensors give copies (advanced indexing). Assigning writes in place.
    public subscript(_ items: any TensorIndexExpression...) -> Tensor {
        get {
            if items.count == 1, case .tensor(let index) = items[0].tensorIndex.item,
               index.dtype == .int64 || index.dtype == .int32, dim > 0 {
                // `x[i]` with one integer index tensor: a row gather.
                return indexSelect(0, index.reshape([-1])).reshape(index.shape + shape.dropFirst())
            }
            let (view, advanced) = applyBasic(items.map(\.tensorIndex.item))
            return advanced.isEmpty ? view : view.advancedIndex(advanced)
        }
        set {
            let (view, advanced) = applyBasic(items.map(\.tensorIndex.item))
            if advanced.isEmpty {
                view.copy_(newValue)
                bumpVersionIfView(view)
            } else if view === self || view.storageOffset == storageOffset && view.shape == shape && view.strides == strides {
                indexPut_(advanced, newValue)
            } else {
                view.indexPut_(advanced, newValue)
                bumpVersionIfView(view)
            }
        }
    }

    private func bumpVersionIfView(_ view: Tensor) {
        if view.versionCounter !== versionCounter { bumpVersion() }
    }

    /// Broadcasts the index tensors, normalizes negatives and checks bounds; returns the broadcast
    /// shape and the flat indices per indexed dim.
    private func prepareAdvanced(_ advanced: [(Int, Tensor)]) -> (shape: [Int], values: [[Int]]) {
        var b: [Int] = []
        for (_, t) in advanced { b = Tensor.broadcastShapes(b, t.shape) }
        let values = advanced.map { d, t -> [Int] in
            let size = shape[d]
            return t.broadcastView(b).toInts().map { v in
                check(v >= -size && v < size, "index \(v) is out of bounds for dimension \(d) with size \(size)")
                return v < 0 ? v + size : v
            }
        }
        return (b, values)
    }

    /// Advanced indexing over the given dims (PyTorch's placement rule: adjacent indexed dims keep
    /// their place, otherwise the broadcast dims go first).
    func advancedIndex(_ advanced: [(Int, Tensor)]) -> Tensor {
        let (b, values) = prepareAdvanced(advanced)
        let dims = advanced.map(\.0)
        let rest = (0..<dim).filter { !dims.contains($0) }
        let permuted = permute(dims + rest)
        let indexedSizes = dims.map { shape[$0] }
        let flat = permuted.reshape([indexedSizes.reduce(1, *)] + rest.map { shape[$0] })
        var linear = [Int](repeating: 0, count: b.reduce(1, *))
        var scale = 1
        for k in Swift.stride(from: dims.count - 1, through: 0, by: -1) {
            for i in linear.indices { linear[i] += values[k][i] * scale }
            scale *= indexedSizes[k]
        }
        var out = flat.indexSelect(0, Tensor(linear, shape: [linear.count])).reshape(b + rest.map { shape[$0] })
        let adjacent = dims == Array(dims[0]..<(dims[0] + dims.count))
        if adjacent && dims[0] > 0 && !b.isEmpty {
            // Move the broadcast dims back to where the indexed dims were.
            let nb = b.count, lead = dims[0]
            let order = Array(nb..<(nb + lead)) + Array(0..<nb) + Array((nb + lead)..<out.dim)
            out = out.permute(order)
        }
        return out
    }

    /// Writes (or adds) `values` at the positions picked by index tensors on the given dims, in place.
    /// PyTorch: `tensor.index_put_(indices, values, accumulate)`.
    func indexPut_(_ advanced: [(Int, Tensor)], _ values: Tensor, accumulate: Bool = false) {
        if isGradEnabled && (requiresGradFlag || values.requiresGradFlag) {
            checkInPlaceOnLeaf()
            adoptInPlace(historyAlias().indexPut(advanced, values, accumulate: accumulate))
            return
        }
        writeIndexed(advanced, values, accumulate: accumulate)
        bumpVersion()
    }

    /// The raw write behind `indexPut_`: every broadcast index position gets its slice of `values`.
    private func writeIndexed(_ advanced: [(Int, Tensor)], _ values: Tensor, accumulate: Bool) {
        let (b, idx) = prepareAdvanced(advanced)
        let dims = advanced.map(\.0)
        let rest = (0..<dim).filter { !dims.contains($0) }
        let restShape = rest.map { shape[$0] }, restStrides = rest.map { strides[$0] }
        let n = b.reduce(1, *)
        let src = values.converted(dtype).broadcastView(Tensor.broadcastShapes(b + restShape, values.shape))
        check(src.shape == b + restShape,
                     "shape mismatch: value tensor of shape \(shapeString(values.shape)) cannot be broadcast to indexing result of shape \(shapeString(b + restShape))")
        let flatSrc = src.reshape([n] + restShape)
        for i in 0..<n {
            var off = storageOffset
            for (k, d) in dims.enumerated() { off += idx[k][i] * strides[d] }
            let target = Tensor(storage: storage, shape: restShape, strides: restStrides, offset: off, dtype: dtype)
            let piece = flatSrc.select(0, i)
            if accumulate {
                copyElements(from: noGrad { target + piece }.converted(dtype), to: target)
            } else {
                copyElements(from: piece, to: target)
            }
        }
    }

    /// Out-of-place `indexPut_`, differentiable in self and `values`. PyTorch: `torch.index_put`.
    func indexPut(_ advanced: [(Int, Tensor)], _ values: Tensor, accumulate: Bool = false) -> Tensor {
        let out = cloneRaw()
        out.writeIndexed(advanced, values, accumulate: accumulate)
        return out.recording("IndexPutBackward0", [self, values]) { g, _ in
            let gSelf = accumulate ? g : g.indexPut(advanced, Tensor.zeros([], dtype: g.dtype))
            return [gSelf, g.advancedIndex(advanced).gradFor(values)]
        }
    }

    /// Writes `values` where index tensors point (one per leading dim). PyTorch: `tensor.index_put_`.
    @discardableResult
    public func indexPut_(_ indices: [Tensor], _ values: Tensor, accumulate: Bool = false) -> Tensor {
        indexPut_(Array(indices.enumerated().map { ($0.offset, $0.element) }), values, accumulate: accumulate)
        return self
    }
}
