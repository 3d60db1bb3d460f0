/// An attribute of an ONNX node.
enum ONNXAttribute {
    case int(String, Int)
    case ints(String, [Int])
    case float(String, Double)
}

/// An input of a traced op: a tensor the forward pass made or read, a constant the exporter
/// adds (a clip bound, a target shape), or an optional input left out.
enum ONNXInput {
    case tensor(Tensor)
    case constant(Tensor)
    case none
}

/// Records the operations of one forward pass as ONNX nodes, for `exportONNX`. It is installed
/// on the calling thread while the model runs once; each traced op becomes one node, and the ops
/// a traced op calls in its own implementation are not recorded (`depth`). Tensors are named by
/// object: an in-place op gives its tensor a new value name, so later reads see the new value.
final class ONNXTracer {
    /// One ONNX node.
    struct Node {
        let op: String
        /// Value names; "" for an omitted optional input.
        let inputs: [String]
        let output: String
        let attributes: [ONNXAttribute]
    }

    private(set) var nodes: [Node] = []
    /// Tensors a node read that no node made, by value name: parameters, buffers and constants.
    private(set) var initializers: [(name: String, tensor: Tensor)] = []
    /// What the trace could not express, in words.
    private(set) var problems: [String] = []
    /// Traced ops running now: the ops inside one are its implementation.
    var depth = 0
    /// The current value name of each tensor object.
    private var names: [ObjectIdentifier: String] = [:]
    private let parameterNames: [ObjectIdentifier: String]
    /// Every tensor named, kept alive so that no two share an object identifier.
    private var kept: [Tensor] = []

    init(input: Tensor, inputName: String, parameters: [(String, Tensor)]) {
        var byObject: [ObjectIdentifier: String] = [:]
        for (name, t) in parameters where byObject[ObjectIdentifier(t)] == nil { byObject[ObjectIdentifier(t)] = name }
        parameterNames = byObject
        names[ObjectIdentifier(input)] = inputName
        kept.append(input)
    }

    /// The value name `input` reads, adding an initializer for a parameter, buffer or constant.
    func name(of input: ONNXInput, for op: String) -> String {
        switch input {
        case .none: return ""
        case .constant(let t): return initializer(t, "constant_\(initializers.count)")
        case .tensor(let t):
            if let name = names[ObjectIdentifier(t)] { return name }
            if let name = parameterNames[ObjectIdentifier(t)] { return initializer(t, name) }
            // A zero-dim tensor is a number from the program (`x * 2.0`); anything else came from
            // an operation the exporter does not trace, and freezing it would be wrong.
            if t.dim == 0 { return initializer(t, "constant_\(initializers.count)") }
            problems.append("a \(t.dtype) tensor of shape \(shapeString(t.shape)) reaches \(op) from an operation the ONNX exporter does not trace")
            return initializer(t, "untraced_\(initializers.count)")
        }
    }

    private func initializer(_ t: Tensor, _ name: String) -> String {
        names[ObjectIdentifier(t)] = name
        initializers.append((name, t))
        kept.append(t)
        return name
    }

    /// Records node `op` that read the value names `inputs` and made `output`.
    func record(_ op: String, _ inputs: [String], _ output: Tensor, _ attributes: [ONNXAttribute]) {
        let name = "\(op.lowercased())_\(nodes.count)"
        names[ObjectIdentifier(output)] = name
        kept.append(output)
        nodes.append(Node(op: op, inputs: inputs, output: name, attributes: attributes))
    }

    /// Notes something the trace cannot express (an op's arguments ONNX has no form for).
    func fail(_ problem: String) { problems.append(problem) }

    /// The value name of a tensor the forward pass produced, if a node made it.
    func producedName(of t: Tensor) -> String? { names[ObjectIdentifier(t)] }
}

extension Tensor {
    /// Runs `body`, an op's implementation, and, while an ONNX export traces this thread, records
    /// it as one node `op` reading `inputs` with `attributes` (ops that `body` calls are not
    /// recorded). Input names are taken before `body` runs, so an in-place op reads the value its
    /// tensor held before.
    @inline(__always)
    static func traced(_ op: @autoclosure () -> String, _ inputs: @autoclosure () -> [ONNXInput],
                       _ attributes: @autoclosure () -> [ONNXAttribute] = [], _ body: () -> Tensor) -> Tensor {
        guard let tracer = ThreadState.current.onnxTracer, tracer.depth == 0 else { return body() }
        let name = op()
        let inputNames = inputs().map { tracer.name(of: $0, for: name) }
        tracer.depth += 1
        let out = body()
        tracer.depth -= 1
        tracer.record(name, inputNames, out, attributes())
        return out
    }

    /// `traced` for an op whose ONNX form cannot express its arguments: records `problem`.
    static func untraceable(_ problem: @autoclosure () -> String, _ body: () -> Tensor) -> Tensor {
        if let tracer = ThreadState.current.onnxTracer, tracer.depth == 0 { tracer.fail(problem()) }
        return body()
    }
}

extension Tensor {
    /// The second operand of a traced element-wise op: a Swift number (`x * 2.0`) becomes a
    /// constant of the other operand's dtype, as ONNX's operators want both alike.
    func onnxOperand(_ other: Tensor, like first: Tensor) -> ONNXInput {
        other.isWrappedNumber && other.dtype != first.dtype ? .constant(other.to(first.dtype)) : .tensor(other)
    }

    /// The target shape of a traced reshape as ONNX's `Reshape` takes it: int64, with 0 (copy the
    /// input's size) for a leading dimension that keeps its size, so the batch stays dynamic.
    func onnxShape(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        if dim > 0 && !dims.isEmpty && dims[0] == shape[0] { dims[0] = 0 }
        return Tensor(dims, shape: [dims.count], dtype: .int64)
    }
}
