/// The ONNX protobuf messages (onnx.proto, IR version 8) of a traced model.
enum ONNXModel {
    /// ONNX's `TensorProto.DataType` of each dtype.
    static func elementType(_ dtype: DType) -> Int {
        switch dtype {
        case .float32: 1
        case .uint8: 2
        case .int8: 3
        case .int16: 5
        case .int32: 6
        case .int64: 7
        case .bool: 9
        case .float16: 10
        case .float64: 11
        case .bfloat16: 16
        }
    }

    /// The `ModelProto`: the graph's nodes, its initializers, the input and the output (renamed by
    /// an `Identity` node), with a dynamic first dimension.
    static func encode(tracer: ONNXTracer, input: (name: String, tensor: Tensor),
                       output: (produced: String, name: String, tensor: Tensor), dynamicAxes: Set<Int>) -> [UInt8] {
        var graph = ProtobufEncoder()
        for node in tracer.nodes { graph.bytes(1, nodeProto(node.op, node.inputs, node.outputs, node.attributes)) }
        graph.bytes(1, nodeProto("Identity", [output.produced], [output.name], []))
        graph.string(2, "ember")
        for (name, t) in tracer.initializers { graph.bytes(5, tensorProto(name, t)) }
        graph.bytes(11, valueInfo(input.name, input.tensor, dynamicAxes))
        graph.bytes(12, valueInfo(output.name, output.tensor, dynamicAxes))

        var opset = ProtobufEncoder()
        opset.string(1, "")
        opset.int64(2, 17)
        var model = ProtobufEncoder()
        model.int64(1, 8)
        model.string(2, "Ember")
        model.bytes(7, graph.bytes)
        model.bytes(8, opset.bytes)
        return model.bytes
    }

    private static func nodeProto(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [ONNXAttribute]) -> [UInt8] {
        var node = ProtobufEncoder()
        // Trailing omitted inputs are left out; inner ones stay as "".
        var used = inputs
        while used.last == "" { used.removeLast() }
        for name in used { node.string(1, name) }
        for name in outputs { node.string(2, name) }
        node.string(3, outputs[0])
        node.string(4, op)
        for attribute in attributes {
            var a = ProtobufEncoder()
            switch attribute {
            case .int(let name, let v):
                a.string(1, name)
                a.int64(3, Int64(v))
                a.int64(20, 2)
            case .ints(let name, let values):
                a.string(1, name)
                for v in values { a.int64(8, Int64(v)) }
                a.int64(20, 7)
            case .float(let name, let v):
                a.string(1, name)
                a.float(2, Float(v))
                a.int64(20, 1)
            case .string(let name, let v):
                a.string(1, name)
                a.string(4, v)
                a.int64(20, 3)
            case .strings(let name, let values):
                a.string(1, name)
                for v in values { a.string(9, v) }
                a.int64(20, 8)
            }
            node.bytes(5, a.bytes)
        }
        return node.bytes
    }

    private static func tensorProto(_ name: String, _ t: Tensor) -> [UInt8] {
        var proto = ProtobufEncoder()
        for d in t.shape { proto.int64(1, Int64(d)) }
        proto.int64(2, Int64(elementType(t.dtype)))
        proto.string(8, name)
        let c = t.contiguousRaw()
        proto.bytes(9, Array(UnsafeRawBufferPointer(start: c.pointer, count: c.numel * c.elementSize)))
        return proto.bytes
    }

    /// A `ValueInfoProto` with `t`'s dtype and shape, the dynamic axes named (`batch`, `dim1`...).
    private static func valueInfo(_ name: String, _ t: Tensor, _ dynamicAxes: Set<Int>) -> [UInt8] {
        var shape = ProtobufEncoder()
        for (i, d) in t.shape.enumerated() {
            var dim = ProtobufEncoder()
            if dynamicAxes.contains(i) { dim.string(2, i == 0 ? "batch" : "dim\(i)") } else { dim.int64(1, Int64(d)) }
            shape.bytes(1, dim.bytes)
        }
        var tensorType = ProtobufEncoder()
        tensorType.int64(1, Int64(elementType(t.dtype)))
        tensorType.bytes(2, shape.bytes)
        var type = ProtobufEncoder()
        type.bytes(1, tensorType.bytes)
        var info = ProtobufEncoder()
        info.string(1, name)
        info.bytes(2, type.bytes)
        return info.bytes
    }
}
