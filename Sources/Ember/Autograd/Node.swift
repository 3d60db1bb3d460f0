import Runtime
import Synchronization

/// A recorded operation in the autograd graph: the tensors it read and the rule that maps the
/// gradient of its output to gradients of those inputs. PyTorch: a `grad_fn` object such as
/// `AddBackward0`.
public final class Node: CustomStringConvertible {
    /// PyTorch's class name of the backward function, e.g. `MulBackward0`.
    public let name: String
    /// The inputs, nil where an input needs no gradient. An input that an in-place op later gives
    /// a new history is replaced here by the alias of its earlier value (`releaseEarlierReaders`).
    @exclusivity(unchecked) var inputs: [Tensor?]
    /// The node that produced each input when this node was recorded (nil for leaves): the graph's
    /// edges. Kept apart from `inputs` because an in-place op later gives the tensor a new history.
    let inputFns: [Node?]
    /// Maps (gradient of the output, the output) to gradients of the inputs; nil once the graph has
    /// been freed by a backward pass without `retainGraph`.
    @exclusivity(unchecked) var backward: ((Tensor, Tensor) -> [Tensor?])?
    /// Tensors saved for backward and the storage version each had when saved.
    @exclusivity(unchecked) var saved: [SavedTensor]
    /// The output. Not retained: the output owns this node, and whoever can reach the node (the
    /// output itself, or a later node holding it as an input) keeps the output alive.
    @exclusivity(unchecked) unowned(unsafe) var output: Tensor?
    /// The output of a rule that reads it, held once the nodes that read it as an input have run
    /// and let go of their inputs (`releaseInputs`), until this node has run in turn.
    @exclusivity(unchecked) var heldOutput: Tensor?
    /// The output's version when recorded, for rules that read the output (`exp`, `sigmoid`, ...):
    /// overwriting the output in place before backward is then an error, as in PyTorch. Nil when
    /// the rule ignores the output, which may then be freed before the rule runs.
    @exclusivity(unchecked) var outputVersion: Int?
    /// The engine's scratch state during a backward pass: the gradient summed so far for the output,
    /// and the number of the last graph walk that reached this node.
    @exclusivity(unchecked) var pendingGrad: Tensor?
    @exclusivity(unchecked) var visitedWalk: UInt64 = 0
    /// The call stack of the forward call that recorded this node, kept while anomaly detection
    /// is on (`autograd.detectAnomaly`).
    var forwardTrace: Backtrace?
    /// The order in which nodes were recorded (PyTorch's `sequence_nr`): a node reads only the
    /// outputs of nodes recorded before it.
    let sequence = Node.recorded.add(1, ordering: .relaxed).newValue
    private static let recorded = Atomic<UInt64>(0)

    init(name: String, inputs: [Tensor?], saved: [Tensor], backward: @escaping (Tensor, Tensor) -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        inputFns = inputs.map { $0?.gradFn }
        self.saved = saved.map { SavedTensor(tensor: $0, version: $0.version) }
        self.backward = backward
    }

    /// Lets go of the inputs once this node's backward has run and the graph is not retained, so
    /// that an intermediate of the forward pass is freed once the rules that read it have run, as
    /// PyTorch frees it, not when the whole walk ends. A producer still to run whose rule reads its
    /// output holds that output meanwhile (while this node lived, its inputs kept it alive); those
    /// producers are added to `holding`, for the walk to let go of what one that never ran holds.
    func releaseInputs(holding: inout [Node]) {
        for case let fn? in inputFns where fn.outputVersion != nil && fn.heldOutput == nil {
            fn.heldOutput = fn.output
            holding.append(fn)
        }
        for i in inputs.indices { inputs[i] = nil }
    }

    /// `<MulBackward0>`, as PyTorch prints a grad_fn.
    public var description: String { "<\(name)>" }

    /// The nodes this one sends gradients to, as `(node, index)` pairs like PyTorch's `next_functions`;
    /// a leaf appears with a nil node.
    public var nextFunctions: [Node?] { inputFns }
}

extension Tensor {
    /// Records `self` as the output of an operation on `inputs`, when grad mode is on and some input
    /// requires grad; otherwise does nothing. `backward` gets the output's gradient and the output,
    /// and returns one gradient (or nil) per input, written in differentiable ops so that double
    /// backward works. `saved` lists inputs whose values `backward` reads: modifying one of them in
    /// place before backward is an error, as in PyTorch. `savesOutput` says that `backward` reads
    /// `out`, which is then checked in the same way; without it `backward` gets the gradient in
    /// place of the output (which may have been freed), so a rule that reads `out` must say so.
    @discardableResult
    func recording(_ name: String, _ inputs: [Tensor], saved: [Tensor] = [], savesOutput: Bool = false,
                   _ backward: @escaping (_ grad: Tensor, _ out: Tensor) -> [Tensor?]) -> Tensor {
        guard ThreadState.current.gradEnabled, inputs.contains(where: { $0.requiresGradFlag }) else { return self }
        let node = Node(name: name, inputs: inputs.map { $0.requiresGradFlag ? $0 : nil }, saved: saved, backward: backward)
        node.output = self
        if savesOutput { node.outputVersion = version }
        if AnomalyMode.isEnabled { node.forwardTrace = AnomalyMode.callStack() }
        gradFn = node
        requiresGradFlag = true
        return self
    }
}

/// A tensor saved for backward with its version when saved (a struct, not a tuple, so arrays of it
/// need no runtime metadata instantiation on the hot path).
struct SavedTensor {
    let tensor: Tensor
    let version: Int
}
