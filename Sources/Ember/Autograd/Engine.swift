import Synchronization

/// The reverse-mode engine: a topological walk of the graph from the roots, summing the
/// gradients that reach each node before running its backward rule.
enum Engine {
    /// Runs backward from `roots` (each with its seed gradient). When `inputs` is given, their
    /// gradients are returned instead of accumulated into `.grad` (PyTorch's `autograd.grad`).
    static func run(roots: [(Tensor, Tensor)], retainGraph: Bool, createGraph: Bool,
                    inputs: [Tensor]? = nil, allowUnused: Bool = false) -> [Tensor?] {
        let order = topologicalOrder(roots.compactMap { $0.0.gradFn })
        let wanted = inputs.map { Dictionary($0.enumerated().map { (ObjectIdentifier($0.element), $0.offset) },
                                             uniquingKeysWith: { a, _ in a }) }
        var results = [Tensor?](repeating: nil, count: inputs?.count ?? 0)
        // With `inputs`, only the nodes through which some wanted tensor is reached run, as in
        // PyTorch's autograd.grad: the others would compute gradients nobody asked for (and a
        // walk inside a backward rule would run the rest of the outer graph).
        let needed: Set<ObjectIdentifier>? = wanted.map { wanted in
            var needed = Set<ObjectIdentifier>()
            for node in order.reversed() {
                for (t, fn) in zip(node.inputs, node.inputFns) {
                    if t.map({ wanted[ObjectIdentifier($0)] != nil }) == true || fn.map({ needed.contains(ObjectIdentifier($0)) }) == true {
                        needed.insert(ObjectIdentifier(node))
                        break
                    }
                }
            }
            return needed
        }

        // Leaves with post-accumulate-grad hooks, and how many gradients are still to reach each:
        // the hooks run once, after the last, as PyTorch's run after AccumulateGrad has summed
        // them (here each use of a leaf adds into `.grad` as its gradient arrives).
        var hookWaits: [ObjectIdentifier: (leaf: Tensor, remaining: Int, received: Bool)] = [:]
        // The leaves in the order the walk first meets them: hooks left for the end run in it,
        // the same on every process (a dictionary's order is seeded per process).
        var hookLeaves: [Tensor] = []
        if wanted == nil {
            for node in order {
                for (t, fn) in zip(node.inputs, node.inputFns) where fn == nil {
                    guard let t, t.postAccumulateGradHooks != nil else { continue }
                    if hookWaits[ObjectIdentifier(t)] == nil { hookLeaves.append(t) }
                    hookWaits[ObjectIdentifier(t), default: (t, 0, false)].remaining += 1
                }
            }
        }
        func runHooks(_ t: Tensor) { for (_, hook) in t.postAccumulateGradHooks ?? [] { hook(t) } }
        func accumulated(_ t: Tensor) {
            guard let wait = hookWaits[ObjectIdentifier(t)] else { return runHooks(t) }
            if wait.remaining > 1 {
                hookWaits[ObjectIdentifier(t)] = (t, wait.remaining - 1, true)
            } else {
                hookWaits[ObjectIdentifier(t)] = nil
                runHooks(t)
            }
        }

        // `fn` is the node that produced `t` when it was used, which an in-place op may since have replaced.
        func deliver(_ t: Tensor, _ fn: Node?, _ g: consuming Tensor) {
            if let wanted, let i = wanted[ObjectIdentifier(t)] {
                if let sum = results[i] { results[i] = sum + g } else { results[i] = g }
                if fn == nil { return }
            }
            if let fn, needed?.contains(ObjectIdentifier(fn)) ?? true {
                if wanted == nil && t.retainsGradFlag && t.gradFn === fn { t.accumulateGrad(copy g, createGraph: createGraph) }
                if let sum = fn.pendingGrad.take() { fn.pendingGrad = summed(sum, g, createGraph: createGraph) } else { fn.pendingGrad = g }
            } else if wanted == nil && t.requiresGradFlag {
                t.accumulateGrad(g, createGraph: createGraph)
                if fn == nil, t.postAccumulateGradHooks != nil { accumulated(t) }
            }
        }

        // A walk started inside a backward rule (one that differentiates a recomputed graph for
        // double backward) can reach nodes of the walk that called it: their gradients summed so
        // far are set aside and given back when this walk ends.
        let setAside = order.compactMap { node in node.pendingGrad.map { (node, $0) } }
        for (node, _) in setAside { node.pendingGrad = nil }
        defer { for (node, g) in setAside { node.pendingGrad = g } }
        let state = ThreadState.current, previousMode = state.gradEnabled
        state.gradEnabled = createGraph
        state.walkCallbacks.append([])
        defer {
            state.gradEnabled = previousMode
            // The callbacks queued during the walk run after it, outside it (so one may start
            // a walk of its own), with the grad mode of the caller.
            for callback in state.walkCallbacks.removeLast() { callback() }
        }
        // The producers that hold their outputs for this walk (`Node.releaseInputs`): one that
        // never ran (no gradient reached it) lets go at the end, or its output and it would hold
        // each other.
        var holding: [Node] = []
        defer { for node in holding { node.heldOutput = nil } }
        for (root, seed) in roots { deliver(root, root.gradFn, seed) }
        for node in order {
            guard let g = node.pendingGrad else { continue }
            node.pendingGrad = nil
            guard let backward = node.backward else {
                fatalError("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
            }
            for s in node.saved where s.tensor.version != s.version {
                let t = s.tensor, v = s.version
                fatalError("one of the variables needed for gradient computation has been modified by an inplace operation: [\(t.dtype.legacyName) \(shapeString(t.shape))] is at version \(t.version); expected version \(v) instead. Hint: the backtrace further above can show the operation that failed to compute its gradient.")
            }
            var inputGrads: [Tensor?]
            if let v = node.outputVersion {
                let out = node.output!
                if out.version != v {
                    fatalError("one of the variables needed for gradient computation has been modified by an inplace operation: [\(out.dtype.legacyName) \(shapeString(out.shape))], which is output 0 of \(node.name), is at version \(out.version); expected version \(v) instead. Hint: the backtrace further above can show the operation that failed to compute its gradient.")
                }
                inputGrads = backward(g, out)
            } else {
                // A rule that does not read its output gets the gradient in its place: the output
                // may have been freed once the nodes that read it had run (`Node.releaseInputs`).
                inputGrads = backward(g, g)
            }
            if AnomalyMode.isEnabled { AnomalyMode.check(inputGrads, of: node) }
            _ = consume g  // a view of it may be what reaches a leaf: see below
            node.heldOutput = nil
            if !retainGraph {
                node.backward = nil
                node.saved = []
            }
            for i in inputGrads.indices {
                // Moved out of the array, so that a gradient nothing else holds reaches a leaf
                // as its only reference and can become its `.grad` without a copy.
                guard let t = node.inputs[i], let ig = inputGrads[i] else { continue }
                inputGrads[i] = nil
                deliver(t, node.inputFns[i], consume ig)
            }
            if !retainGraph { node.releaseInputs(holding: &holding) }
        }
        // A leaf some of whose gradients never came (a backward rule gave none for it) has its
        // hooks run at the end, when it got at least one.
        for leaf in hookLeaves where hookWaits[ObjectIdentifier(leaf)]?.received == true { runHooks(leaf) }
        if inputs != nil && !allowUnused {
            for r in results where r == nil {
                fatalError("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
            }
        }
        return results
    }

    /// `a + b`, for two gradients reaching one node. Without a graph of the gradient, the sum is
    /// made in place in whichever of the two nothing else holds (a fresh contiguous gradient, not a
    /// view of another), instead of in new memory.
    private static func summed(_ a: consuming Tensor, _ b: consuming Tensor, createGraph: Bool) -> Tensor {
        var a = a, b = b
        if !createGraph && a.shape == b.shape && a.dtype == b.dtype {
            if writableAlone(&a) { noGrad { _ = a.add_(b) }; return a }
            if writableAlone(&b) { noGrad { _ = b.add_(a) }; return b }
        }
        return a + b
    }

    /// Whether `t`, contiguous and outside any graph, is the only reference to itself and to its
    /// memory, so that a write into it is seen by no one else.
    private static func writableAlone(_ t: inout Tensor) -> Bool {
        !t.requiresGradFlag && t.isContiguous && isKnownUniquelyReferenced(&t) && t.ownsStorageAlone
    }

    /// Queues `callback` to run when the backward walk running on this thread ends, after every
    /// gradient has been accumulated (`DistributedDataParallel` waits for its reductions there).
    /// PyTorch: `Variable._execution_engine.queue_callback`.
    static func queueCallback(_ callback: @escaping () -> Void) {
        let state = ThreadState.current
        check(!state.walkCallbacks.isEmpty, "Final callbacks can only be installed during backward pass.")
        state.walkCallbacks[state.walkCallbacks.count - 1].append(callback)
    }

    /// Nodes reachable from `roots`, each before every node it sends gradients to.
    /// Marks nodes visited by one walk (no hashing: each walk gets a fresh number).
    private static let walks = Atomic<UInt64>(0)

    static func topologicalOrder(_ roots: [Node]) -> [Node] {
        let walk = walks.add(1, ordering: .relaxed).newValue
        var post: [Node] = []
        var stack: [StackEntry] = []
        for r in roots where r.visitedWalk != walk {
            r.visitedWalk = walk
            stack.append(StackEntry(node: r, next: 0))
            while let top = stack.popLast() {
                let node = top.node, i = top.next
                if i < node.inputFns.count {
                    stack.append(StackEntry(node: node, next: i + 1))
                    if let next = node.inputFns[i], next.visitedWalk != walk {
                        next.visitedWalk = walk
                        stack.append(StackEntry(node: next, next: 0))
                    }
                } else {
                    post.append(node)
                }
            }
        }
        return post.reversed()
    }

    private struct StackEntry {
        let node: Node
        let next: Int
    }
}

extension Tensor {
    /// Adds `incoming` into `.grad`, as PyTorch's AccumulateGrad does: the first gradient is
    /// stored as a fresh tensor, later ones are added (in place unless a graph of the gradient is
    /// wanted). A first gradient that nothing else refers to (neither the tensor nor its storage),
    /// laid out like this tensor and outside any graph, is stored as it is instead of copied, as
    /// PyTorch "steals" it.
    func accumulateGrad(_ incoming: consuming Tensor, createGraph: Bool) {
        var g = consume incoming
        if g.shape != shape { g = g.sumTo(shape) }
        if !createGraph, let b = g.base, b.shape == g.shape, b.strides == g.strides, b.storageOffset == g.storageOffset {
            g = b  // a view that is all of its base (a linear layer's weight gradient, `t()` of `t()`)
        }
        if let existing = grad {
            if createGraph || existing.requiresGradFlag {
                grad = existing + g
            } else {
                noGrad { existing.add_(g) }
            }
        } else if createGraph {
            grad = g
        } else if !g.requiresGradFlag && g.dtype == dtype && g.strides == strides
                    && isKnownUniquelyReferenced(&g) && g.ownsStorageAlone {
            grad = g
        } else {
            grad = noGrad { g.detach().clone() }
        }
    }

    /// Computes the gradient of this tensor with respect to graph leaves and accumulates it into
    /// their `.grad`. `gradient` defaults to 1 for a one-element tensor. PyTorch: `tensor.backward()`.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false) {
        check(requiresGradFlag, "element 0 of tensors does not require grad and does not have a grad_fn")
        let seed: Tensor
        if let gradient {
            check(gradient.shape == shape,
                         "Mismatch in shape: grad_output[0] has a shape of \(shapeString(gradient.shape)) and output[0] has a shape of \(shapeString(shape)).")
            seed = gradient
        } else {
            check(numel == 1, "grad can be implicitly created only for scalar outputs")
            seed = Tensor.onesLike(self)
        }
        _ = Engine.run(roots: [(self, seed)], retainGraph: retainGraph ?? createGraph, createGraph: createGraph)
    }
}

/// Functional autograd. PyTorch: `torch.autograd`.
public enum autograd {
    /// Gradients of `outputs` with respect to `inputs`, returned rather than accumulated.
    /// PyTorch: `torch.autograd.grad`.
    public static func grad(outputs: [Tensor], inputs: [Tensor], gradOutputs: [Tensor]? = nil,
                            retainGraph: Bool? = nil, createGraph: Bool = false,
                            allowUnused: Bool = false) -> [Tensor?] {
        let seeds = gradOutputs ?? outputs.map { o in
            check(o.numel == 1, "grad can be implicitly created only for scalar outputs")
            return Tensor.onesLike(o)
        }
        for o in outputs {
            check(o.requiresGradFlag, "element 0 of tensors does not require grad and does not have a grad_fn")
        }
        for i in inputs {
            check(i.requiresGradFlag, "One of the differentiated Tensors does not require grad")
        }
        return Engine.run(roots: Array(zip(outputs, seeds)), retainGraph: retainGraph ?? createGraph,
                          createGraph: createGraph, inputs: inputs, allowUnused: allowUnused)
    }

    /// Single-output convenience for `grad(outputs:inputs:)`.
    public static func grad(_ output: Tensor, _ inputs: [Tensor], createGraph: Bool = false) -> [Tensor?] {
        grad(outputs: [output], inputs: inputs, createGraph: createGraph)
    }
}
