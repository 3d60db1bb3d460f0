extension Tensor {
    /// Writes `result` (computed out of place from `old`, an alias of self's previous state) into
    /// self and makes self's history that of `result`. Used when autograd records an in-place op.
    func adoptInPlace(_ result: Tensor) {
        let earlierFn = gradFn
        defer { releaseEarlierReaders(of: earlierFn) }
        if let b = base, b.isContiguous, result.requiresGradFlag || b.requiresGradFlag {
            // PyTorch's CopySlices: the base's history becomes "old base with this region replaced
            // by the result", and this view's history a view of the new base.
            let region = regionOfBase()
            b.adoptInPlace(b.historyAlias().sliceScatter(result.converted(dtype), region))
            let view = b.viewOfRegion(region)
            if let fn = view.gradFn {
                gradFn = fn
                fn.output = self
                requiresGradFlag = true
            }
            return
        }
        check(base == nil || !result.requiresGradFlag,
                     "in-place operation on a view of a non-contiguous tensor that requires grad is not supported")
        copyElements(from: result.converted(dtype), to: self.data)
        bumpVersion()
        if let fn = result.gradFn {
            gradFn = fn
            fn.output = self
            if fn.outputVersion != nil { fn.outputVersion = version }
            requiresGradFlag = true
        }
    }

    /// After an in-place op gave self a new history: the nodes of that history recorded since
    /// `earlierFn` (self's previous one) that read self's previous value now hold that value's
    /// alias instead of self. Otherwise self's history would hold self (`y.mul_(y)`, a write into
    /// a view of `y`, `out[t] = h` into a preallocated `out`), a reference cycle that would keep
    /// the whole graph alive. The walk stops at nodes older than `earlierFn`, so an in-place op
    /// costs a few steps, not a walk of the network's graph.
    private func releaseEarlierReaders(of earlierFn: Node?) {
        guard let earlierFn, let newFn = gradFn, newFn !== earlierFn,
              let alias = earlierFn.output, alias !== self else { return }
        var stack = [newFn], seen: Set<ObjectIdentifier> = [ObjectIdentifier(newFn)]
        while let node = stack.popLast() {
            for i in node.inputs.indices {
                if node.inputs[i] === self && node.inputFns[i] === earlierFn { node.inputs[i] = alias }
                // A view of self read by the node (the first `select` of `y[i, j] = v`) holds self
                // through its `base`: the node keeps an alias of the view without it instead.
                if let input = node.inputs[i], input.base === self, !input.retainsGradFlag { node.inputs[i] = input.historyAlias() }
                if let next = node.inputFns[i], next.sequence > earlierFn.sequence, seen.insert(ObjectIdentifier(next)).inserted {
                    stack.append(next)
                }
            }
        }
    }

    /// Runs `outOfPlace` on self's current state for a recorded in-place op. When the op saved that
    /// state for its backward (as `log_` or `clamp_` do), it runs again on a recorded clone, as
    /// PyTorch saves `self.clone()` for in-place ops: the write into self would otherwise make
    /// backward fail with "modified by an inplace operation".
    func recordInPlace(_ outOfPlace: (Tensor) -> Tensor) -> Tensor {
        let old = historyAlias()
        let result = outOfPlace(old)
        let savesSelf = result.gradFn?.saved.contains { $0.tensor.versionCounter === versionCounter } ?? false
        return savesSelf ? outOfPlace(old.clone()) : result
    }

    /// This view's geometry as a function from any tensor shaped like its (contiguous) base.
    func regionOfBase() -> (Tensor) -> Tensor {
        let shape = self.shape, strides = self.strides, delta = storageOffset - base!.storageOffset
        return { t in
            let c = t.contiguousRaw()
            return Tensor(storage: c.storage, shape: shape, strides: strides, offset: c.storageOffset + delta, dtype: c.dtype)
        }
    }

    /// The region of self picked by `region`, recorded as a view (PyTorch: `AsStridedBackward0`).
    func viewOfRegion(_ region: @escaping (Tensor) -> Tensor) -> Tensor {
        let inShape = shape
        let v = region(self)
        v.versionCounter = versionCounter
        v.base = base ?? self
        return v.recording("AsStridedBackward0", [self]) { g, _ in [g.scatterIntoZeros(inShape, region)] }
    }

    /// A copy of self with the region picked by `region` replaced by `src`. Differentiable in both.
    /// PyTorch: `CopySlices` / `slice_scatter`.
    func sliceScatter(_ src: Tensor, _ region: @escaping (Tensor) -> Tensor) -> Tensor {
        let out = cloneRaw()
        copyElements(from: src.detach().broadcastView(region(out).shape), to: region(out))
        let inShape = shape
        return out.recording("CopySlices", [self, src]) { g, _ in
            let inside = g.viewOfRegion(region)
            return [g - inside.scatterIntoZeros(inShape, region), inside.gradFor(src)]
        }
    }

    /// An alias of self's current state (storage, history) that later in-place writes do not rewire.
    func historyAlias() -> Tensor {
        let t = Tensor(storage: storage, shape: shape, strides: strides, offset: storageOffset, dtype: dtype)
        t.versionCounter = versionCounter
        t.gradFn = gradFn
        t.requiresGradFlag = requiresGradFlag
        gradFn?.output = t
        return t
    }

    /// Applies an in-place binary op: direct kernel when nothing is recorded, otherwise out of place
    /// on a history alias, then copied back.
    func inPlaceBinary<Fn: BinaryFunction>(_ f: Fn.Type, _ other: Tensor, _ name: String,
                       _ outOfPlace: (Tensor, Tensor) -> Tensor) -> Tensor {
        let recording = isGradEnabled && (requiresGradFlag || other.requiresGradFlag)
        if recording {
            checkInPlaceOnLeaf()
            let result = recordInPlace { outOfPlace($0, other) }
            checkCastable(result.dtype, name)
            adoptInPlace(result)
            return self
        }
        let rt = Tensor.resultType(self, other)
        let trueDivision = f == BinaryFn.Div.self
        let promoted = trueDivision && !rt.isFloatingPoint ? DType.float32 : rt
        checkCastable(promoted, name)
        let shapeOut = Tensor.broadcastShapes(shape, other.shape)
        check(shapeOut == shape,
                     "output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(shapeOut))")
        if dtype == dtype.computeType && promoted == dtype {
            binaryKernel(f, self, other.converted(dtype).broadcastView(shape), self)
        } else {
            let out = Tensor.binaryForward(f, self, other, floatResult: trueDivision)
            copyElements(from: out, to: self)
        }
        bumpVersion()
        return self
    }

    private func checkCastable(_ result: DType, _ name: String) {
        check(result.category <= dtype.category,
                     "result type \(result.castName) can't be cast to the desired output type \(dtype.castName)")
    }

    /// Applies an in-place unary op in the same way.
    func inPlaceUnary<Fn: UnaryFunction>(_ f: Fn.Type, p: Double = 0, q: Double = 0, _ outOfPlace: (Tensor) -> Tensor) -> Tensor {
        if isGradEnabled && requiresGradFlag {
            checkInPlaceOnLeaf()
            adoptInPlace(recordInPlace(outOfPlace))
            return self
        }
        if dtype == dtype.computeType {
            unaryKernel(f, self, self, p: p, q: q)
        } else {
            copyElements(from: outOfPlace(self), to: self)
        }
        bumpVersion()
        return self
    }

    /// In-place `self += alpha * other`. PyTorch: `tensor.add_(other, alpha=)`.
    @discardableResult
    public func add_(_ other: Tensor, alpha: Double = 1) -> Tensor {
        let o = alpha == 1 ? other : other * alpha
        return Tensor.traced("Add", onnxOperands(o)) { inPlaceBinary(BinaryFn.Add.self, o, "add_") { $0.add($1) } }
    }
    /// In-place `self -= alpha * other`. PyTorch: `tensor.sub_`.
    @discardableResult
    public func sub_(_ other: Tensor, alpha: Double = 1) -> Tensor {
        let o = alpha == 1 ? other : other * alpha
        return inPlaceBinary(BinaryFn.Sub.self, o, "sub_") { $0.sub($1) }
    }
    /// PyTorch: `tensor.mul_`.
    @discardableResult
    public func mul_(_ other: Tensor) -> Tensor { inPlaceBinary(BinaryFn.Mul.self, other, "mul_") { $0.mul($1) } }
    /// PyTorch: `tensor.div_`.
    @discardableResult
    public func div_(_ other: Tensor) -> Tensor { inPlaceBinary(BinaryFn.Div.self, other, "div_") { $0.div($1) } }
    /// PyTorch: `tensor.pow_`.
    @discardableResult
    public func pow_(_ other: Tensor) -> Tensor { inPlaceBinary(BinaryFn.Pow.self, other, "pow_") { $0.pow($1) } }
    /// PyTorch: `tensor.remainder_`.
    @discardableResult
    public func remainder_(_ other: Tensor) -> Tensor { inPlaceBinary(BinaryFn.Remainder.self, other, "remainder_") { $0.remainder($1) } }

    /// PyTorch: `tensor.add_(scalar)`.
    @discardableResult
    public func add_(_ s: Double) -> Tensor { add_(.wrapped(s, like: self)) }
    /// PyTorch: `tensor.sub_(scalar)`.
    @discardableResult
    public func sub_(_ s: Double) -> Tensor { sub_(.wrapped(s, like: self)) }
    /// PyTorch: `tensor.mul_(scalar)`.
    @discardableResult
    public func mul_(_ s: Double) -> Tensor { mul_(.wrapped(s, like: self)) }
    /// PyTorch: `tensor.div_(scalar)`.
    @discardableResult
    public func div_(_ s: Double) -> Tensor { div_(.wrapped(s, like: self)) }
    /// PyTorch: `tensor.pow_(scalar)`.
    @discardableResult
    public func pow_(_ e: Double) -> Tensor { inPlaceUnary(UnaryFn.PowScalar.self, p: e) { $0.pow(e) } }

    /// Fills with zeros. PyTorch: `tensor.zero_()`.
    @discardableResult
    public func zero_() -> Tensor { fill_(0) }

    /// Fills with `value`. PyTorch: `tensor.fill_(value)`.
    @discardableResult
    public func fill_(_ value: Double) -> Tensor {
        if isGradEnabled && requiresGradFlag {
            checkInPlaceOnLeaf()
            let filled = Tensor.full(shape, value, dtype: dtype)
            adoptInPlace(filled.recording("FillBackward0", [historyAlias()]) { g, _ in [Tensor.zerosLike(g)] })
            return self
        }
        fillRaw(value)
        bumpVersion()
        return self
    }

    /// Copies `src` (broadcast) into self. PyTorch: `tensor.copy_(src)`.
    @discardableResult
    public func copy_(_ src: Tensor) -> Tensor {
        let s = src.broadcastView(Tensor.broadcastShapes(shape, src.shape))
        check(s.shape == shape, "output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(s.shape))")
        if isGradEnabled && (requiresGradFlag || src.requiresGradFlag) {
            checkInPlaceOnLeaf()
            let target = dtype
            adoptInPlace(src.expand(shape).to(dtype).clone().recording("CopyBackwards", [historyAlias(), src]) { g, _ in
                [Tensor.zerosLike(g), g.gradFor(src).to(src.dtype == target ? target : src.dtype)]
            })
            return self
        }
        copyElements(from: s, to: self)
        bumpVersion()
        return self
    }

    /// Clamps in place. PyTorch: `tensor.clamp_(min, max)`.
    @discardableResult
    public func clamp_(min: Double? = nil, max: Double? = nil) -> Tensor {
        Tensor.traced("Clip", [.tensor(self), min.map { .constant(Tensor($0, dtype: dtype)) } ?? .none,
                               max.map { .constant(Tensor($0, dtype: dtype)) } ?? .none]) {
            inPlaceUnary(UnaryFn.Clamp.self, p: min ?? -.infinity, q: max ?? .infinity) { $0.clamp(min: min, max: max) }
        }
    }
    /// PyTorch: `tensor.relu_()`.
    @discardableResult
    public func relu_() -> Tensor { Tensor.traced("Relu", [.tensor(self)]) { inPlaceUnary(UnaryFn.Relu.self) { $0.relu() } } }
    /// PyTorch: `tensor.neg_()`.
    @discardableResult
    public func neg_() -> Tensor { inPlaceUnary(UnaryFn.Neg.self) { $0.neg() } }
    /// PyTorch: `tensor.abs_()`.
    @discardableResult
    public func abs_() -> Tensor { inPlaceUnary(UnaryFn.Abs.self) { $0.abs() } }
    /// PyTorch: `tensor.sqrt_()`.
    @discardableResult
    public func sqrt_() -> Tensor { inPlaceUnary(UnaryFn.Sqrt.self) { $0.sqrt() } }
    /// PyTorch: `tensor.exp_()`.
    @discardableResult
    public func exp_() -> Tensor { inPlaceUnary(UnaryFn.Exp.self) { $0.exp() } }
    /// PyTorch: `tensor.log_()`.
    @discardableResult
    public func log_() -> Tensor { inPlaceUnary(UnaryFn.Log.self) { $0.log() } }
    /// PyTorch: `tensor.sigmoid_()`.
    @discardableResult
    public func sigmoid_() -> Tensor { inPlaceUnary(UnaryFn.Sigmoid.self) { $0.sigmoid() } }
    /// PyTorch: `tensor.tanh_()`.
    @discardableResult
    public func tanh_() -> Tensor { inPlaceUnary(UnaryFn.Tanh.self) { $0.tanh() } }
    /// PyTorch: `tensor.floor_()`.
    @discardableResult
    public func floor_() -> Tensor { inPlaceUnary(UnaryFn.Floor.self) { $0.floor() } }
    /// PyTorch: `tensor.ceil_()`.
    @discardableResult
    public func ceil_() -> Tensor { inPlaceUnary(UnaryFn.Ceil.self) { $0.ceil() } }
    /// PyTorch: `tensor.round_()`.
    @discardableResult
    public func round_() -> Tensor { inPlaceUnary(UnaryFn.Round.self) { $0.round() } }
}

extension DType {
    /// The capitalized name PyTorch uses in casting errors (`Float`, `Long`).
    var castName: String {
        switch self {
        case .bool: "Bool"
        case .uint8: "Byte"
        case .int8: "Char"
        case .int16: "Short"
        case .int32: "Int"
        case .int64: "Long"
        case .float16: "Half"
        case .bfloat16: "BFloat16"
        case .float32: "Float"
        case .float64: "Double"
        }
    }
}
