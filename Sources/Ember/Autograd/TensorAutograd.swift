import Synchronization
extension Tensor {
    /// Whether autograd records operations on this tensor. Settable on leaves only, and only for
    /// floating-point tensors. PyTorch: `tensor.requires_grad`.
    public var requiresGrad: Bool {
        get { requiresGradFlag }
        set {
            check(gradFn == nil || newValue,
                         "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
            check(!newValue || dtype.isFloatingPoint,
                         "only Tensors of floating point and complex dtype can require gradients")
            requiresGradFlag = newValue
        }
    }

    /// Sets `requiresGrad` and returns self. PyTorch: `tensor.requires_grad_()`.
    @discardableResult
    public func requiresGrad_(_ on: Bool = true) -> Tensor {
        requiresGrad = on
        return self
    }

    /// True for tensors not produced by a recorded operation. PyTorch: `tensor.is_leaf`.
    public var isLeaf: Bool { gradFn == nil }

    /// Whether `.grad` is filled for this non-leaf tensor. PyTorch: `tensor.retains_grad`.
    public var retainsGrad: Bool { retainsGradFlag }

    /// Asks backward to fill `.grad` of this non-leaf tensor too. PyTorch: `tensor.retain_grad()`.
    public func retainGrad() {
        check(requiresGradFlag, "can't retain_grad on Tensor that has requires_grad=False")
        if gradFn != nil { retainsGradFlag = true }
    }

    /// Adds `hook`, run with this leaf once per backward pass, after the last of its gradients has
    /// been accumulated into its `.grad`; the handle removes it. PyTorch: `tensor.register_post_accumulate_grad_hook(hook)`.
    @discardableResult
    public func registerPostAccumulateGradHook(_ hook: @escaping (Tensor) -> Void) -> RemovableHandle {
        check(gradFn == nil, "post accumulate grad hooks cannot be registered on non-leaf tensors")
        check(requiresGradFlag, "cannot register a hook on a tensor that doesn't require gradient")
        let id = Tensor.nextHookID.add(1, ordering: .relaxed).newValue
        postAccumulateGradHooks = (postAccumulateGradHooks ?? []) + [(id, hook)]
        return RemovableHandle { [weak self] in
            self?.postAccumulateGradHooks?.removeAll { $0.id == id }
            if self?.postAccumulateGradHooks?.isEmpty == true { self?.postAccumulateGradHooks = nil }
        }
    }

    /// Ids of gradient hooks, unique in the process.
    private static let nextHookID = Atomic<Int>(0)

    /// A tensor sharing storage (and version counter) with this one, outside the graph.
    /// PyTorch: `tensor.detach()`.
    public func detach() -> Tensor {
        let t = Tensor(storage: storage, shape: shape, strides: strides, offset: storageOffset, dtype: dtype)
        t.versionCounter = versionCounter
        return t
    }

    /// Detaches this tensor from the graph in place, making it a leaf. PyTorch: `tensor.detach_()`.
    @discardableResult
    public func detach_() -> Tensor {
        gradFn = nil
        requiresGradFlag = false
        retainsGradFlag = false
        return self
    }

    /// The values without history, sharing storage but not the version counter, so writes through it
    /// go unnoticed by autograd, as PyTorch's `.data` does. Assigning copies values in.
    public var data: Tensor {
        get {
            Tensor(storage: storage, shape: shape, strides: strides, offset: storageOffset, dtype: dtype)
        }
        set {
            check(newValue.shape == shape, "data: shape \(shapeString(newValue.shape)) does not match \(shapeString(shape))")
            copyElements(from: newValue, to: self.data)
        }
    }

    /// Stops in-place writes that autograd cannot record, with PyTorch's message.
    func checkInPlaceOnLeaf() {
        check(!(requiresGradFlag && gradFn == nil && isGradEnabled),
                     "a leaf Variable that requires grad is being used in an in-place operation.")
    }
}
