/// An attribute of an ONNX node.
enum ONNXAttribute {
    case int(String, Int)
    case ints(String, [Int])
    case float(String, Double)
    case string(String, String)
    case strings(String, [String])
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
        let outputs: [String]
        let attributes: [ONNXAttribute]
    }

    private(set) var nodes: [Node] = []
    /// Tensors a node read that no node made, by value name: parameters, buffers and constants.
    private(set) var initializers: [(name: String, tensor: Tensor)] = []
    /// What the trace could not express, in words.
    private(set) var problems: [String] = []
    /// Traced ops running now: the ops inside one are its implementation.
    var depth = 0
    /// The current value name of each tensor object, and its version counter then: a tensor
    /// changed in place by an untraced op since holds a value the graph does not have.
    private var names: [ObjectIdentifier: (name: String, version: Int)] = [:]
    private let parameterNames: [ObjectIdentifier: String]
    /// Every tensor named, kept alive so that no two share an object identifier.
    private var kept: [Tensor] = []

    init(input: Tensor, inputName: String, parameters: [(String, Tensor)]) {
        var byObject: [ObjectIdentifier: String] = [:]
        for (name, t) in parameters where byObject[ObjectIdentifier(t)] == nil { byObject[ObjectIdentifier(t)] = name }
        parameterNames = byObject
        names[ObjectIdentifier(input)] = (inputName, input.version)
        kept.append(input)
    }

    /// The value name `input` reads, adding an initializer for a parameter, buffer or constant.
    func name(of input: ONNXInput, for op: String) -> String {
        switch input {
        case .none: return ""
        case .constant(let t): return initializer(t, "constant_\(initializers.count)")
        case .tensor(let t):
            if let (name, version) = names[ObjectIdentifier(t)] {
                if version != t.version {
                    problems.append("a \(t.dtype) tensor of shape \(shapeString(t.shape)) read by \(op) was changed in place by an operation the ONNX exporter does not trace")
                }
                return name
            }
            if let name = parameterNames[ObjectIdentifier(t)] { return initializer(t, name) }
            // A number from the program (`x * 2.0`) is a constant; any other tensor came from an
            // operation the exporter does not trace, and freezing its value would be wrong.
            if t.isWrappedNumber { return initializer(t, "constant_\(initializers.count)") }
            problems.append("a \(t.dtype) tensor of shape \(shapeString(t.shape)) reaches \(op) from an operation the ONNX exporter does not trace")
            return initializer(t, "untraced_\(initializers.count)")
        }
    }

    private func initializer(_ t: Tensor, _ name: String) -> String {
        names[ObjectIdentifier(t)] = (name, t.version)
        initializers.append((name, t))
        kept.append(t)
        return name
    }

    /// Records node `op` that read the value names `inputs` and made `output`.
    func record(_ op: String, _ inputs: [String], _ output: Tensor, _ attributes: [ONNXAttribute]) {
        bind(output, node(op, inputs, attributes)[0])
    }

    /// Adds node `op` reading `inputs`, with `outputs` outputs; returns their value names. For an
    /// op traced as several nodes (a recurrent layer).
    @discardableResult
    func node(_ op: String, _ inputs: [String], outputs: Int = 1, _ attributes: [ONNXAttribute] = []) -> [String] {
        let base = "\(op.lowercased())_\(nodes.count)"
        let names = (0..<outputs).map { $0 == 0 ? base : "\(base)_\($0)" }
        nodes.append(Node(op: op, inputs: inputs, outputs: names, attributes: attributes))
        return names
    }

    /// Makes `name` the value `t` holds from now on.
    func bind(_ t: Tensor, _ name: String) {
        names[ObjectIdentifier(t)] = (name, t.version)
        kept.append(t)
    }

    /// Notes something the trace cannot express (an op's arguments ONNX has no form for).
    func fail(_ problem: String) { problems.append(problem) }

    /// The value name of a tensor the forward pass produced, if a node made it.
    func producedName(of t: Tensor) -> String? { names[ObjectIdentifier(t)]?.name }
}

extension Tensor {
    /// Runs `body`, an op's implementation, and, while an ONNX export traces this thread, records
    /// it as one node `op` reading `inputs` with `attributes` (ops that `body` calls are not
    /// recorded). Input names are taken before `body` runs, so an in-place op reads the value its
    /// tensor held before.
    /// ONNX operators keep their inputs' element type: an op whose result has another dtype than
    /// a tensor input (integer true division, a sigmoid of integers) is refused.
    @inline(__always)
    static func traced(_ op: @autoclosure () -> String, _ inputs: @autoclosure () -> [ONNXInput],
                       _ attributes: @autoclosure () -> [ONNXAttribute] = [], _ body: () -> Tensor) -> Tensor {
        guard let tracer = ThreadState.current.onnxTracer, tracer.depth == 0 else { return body() }
        let name = op(), list = inputs()
        let inputNames = list.map { tracer.name(of: $0, for: name) }
        tracer.depth += 1
        let out = body()
        tracer.depth -= 1
        for case .tensor(let t) in list where t.dtype != out.dtype {
            tracer.fail("\(name) of a \(t.dtype) tensor gives \(out.dtype), which ONNX's \(name) does not")
        }
        tracer.record(name, inputNames, out, attributes())
        return out
    }

    /// Runs an op whose arguments ONNX cannot express, recording `problem` while an export traces
    /// this thread (the ops it calls are not recorded).
    static func untraceable(_ problem: @autoclosure () -> String, _ body: () -> Tensor) -> Tensor {
        guard let tracer = ThreadState.current.onnxTracer, tracer.depth == 0 else { return body() }
        tracer.fail(problem())
        tracer.depth += 1
        defer { tracer.depth -= 1 }
        return body()
    }
}

extension Tensor {
    /// The operands of a traced element-wise op with `other`: a Swift number (`x * 2.0`, `1 - x`)
    /// becomes a constant of the result's dtype, as ONNX's operators want both alike.
    func onnxOperands(_ other: Tensor) -> [ONNXInput] {
        let result = Tensor.resultType(self, other)
        return [self, other].map { $0.isWrappedNumber && $0.dtype != result ? .constant($0.to(result)) : .tensor($0) }
    }

    /// The target shape of a traced reshape as ONNX's `Reshape` takes it: int64, the caller's -1
    /// kept (inferred at run time), and 0 (copy the input's size) for a leading dimension that
    /// keeps its size, so the batch stays dynamic.
    func onnxShape(_ requested: [Int]) -> Tensor {
        var dims = requested
        if dim > 0 && !dims.isEmpty && dims[0] == shape[0] { dims[0] = 0 }
        return Tensor(dims, shape: [dims.count], dtype: .int64)
    }
}

extension ThreadState {
    /// The ONNX export recording this thread's operations, if one is (`exportONNX`).
    var onnxTracer: ONNXTracer? {
        get { tracer.map { unsafeDowncast($0, to: ONNXTracer.self) } }
        set { tracer = newValue }
    }
}
