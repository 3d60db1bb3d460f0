extension RNNBase {
    /// Records a traced call of the layer (`exportONNX`) as ONNX nodes: per layer one `RNN`,
    /// `LSTM` or `GRU` node over both directions, its output `(L, D, N, H)` brought to PyTorch's
    /// `(L, N, D·H)` (`Transpose`, `Reshape`) for the next layer; `h_n` and `c_n` the layers'
    /// final states concatenated. The weights become constants in ONNX's gate order (LSTM
    /// `i, o, f, c`; GRU `z, r, h` with `linear_before_reset`). Runs with tracing paused, so the
    /// constants' own arithmetic is not recorded.
    func recordONNX(_ tracer: ONNXTracer, input: Tensor, _ x0: String, h0: String?, c0: String?,
                    _ result: (Tensor, Tensor, Tensor?)) {
        guard projSize == 0, input.dim == 3 else {
            tracer.fail("\(layerName) with proj_size or unbatched input has no ONNX export yet")
            return
        }
        let ints = { (values: [Int]) in tracer.name(of: .constant(Tensor(values, shape: [values.count], dtype: .int64)), for: self.layerName) }
        var x = batchFirst ? tracer.node("Transpose", [x0], [.ints("perm", [1, 0, 2])])[0] : x0
        var hs: [String] = [], cs: [String] = []
        for layer in 0..<numLayers {
            // This layer's rows of the initial states.
            func rows(_ state: String?) -> String {
                guard let state else { return "" }
                return tracer.node("Slice", [state, ints([layer * directions]), ints([(layer + 1) * directions]), ints([0])])[0]
            }
            let (w, r, b) = onnxWeights(layer)
            var inputs = [x, tracer.name(of: .constant(w), for: layerName), tracer.name(of: .constant(r), for: layerName),
                          b.map { tracer.name(of: .constant($0), for: layerName) } ?? "", "", rows(h0)]
            if mode == .lstm { inputs.append(rows(c0)) }
            var attributes: [ONNXAttribute] = [.int("hidden_size", hiddenSize),
                                               .string("direction", directions == 2 ? "bidirectional" : "forward")]
            switch mode {
            case .gru: attributes.append(.int("linear_before_reset", 1))
            case .rnnTanh, .rnnRelu:
                attributes.append(.strings("activations", Array(repeating: mode == .rnnRelu ? "Relu" : "Tanh", count: directions)))
            case .lstm: break
            }
            let outputs = tracer.node(layerName, inputs, outputs: mode == .lstm ? 3 : 2, attributes)
            hs.append(outputs[1])
            if mode == .lstm { cs.append(outputs[2]) }
            let perLayer = tracer.node("Transpose", [outputs[0]], [.ints("perm", [0, 2, 1, 3])])[0]
            x = tracer.node("Reshape", [perLayer, ints([0, 0, -1])])[0]
        }
        let concat = { (names: [String]) in names.count == 1 ? names[0] : tracer.node("Concat", names, [.int("axis", 0)])[0] }
        tracer.bind(result.0, batchFirst ? tracer.node("Transpose", [x], [.ints("perm", [1, 0, 2])])[0] : x)
        tracer.bind(result.1, concat(hs))
        if let cN = result.2 { tracer.bind(cN, concat(cs)) }
    }

    /// Layer `layer`'s weights as ONNX stacks them over directions: `W (D, G·H, in)`,
    /// `R (D, G·H, H)` and, with biases, `B (D, 2·G·H)` (input then recurrent biases).
    private func onnxWeights(_ layer: Int) -> (Tensor, Tensor, Tensor?) {
        let order: [Int] = switch mode { case .lstm: [0, 3, 1, 2]; case .gru: [1, 0, 2]; default: [0] }
        let h = hiddenSize
        func reordered(_ t: Tensor) -> Tensor { Tensor.cat(order.map { t.narrow(0, $0 * h, h) }, dim: 0) }
        let ws = (0..<directions).map { weights[layer * directions + $0] }
        let w = Tensor.stack(ws.map { reordered($0.ih.tensor!) })
        let r = Tensor.stack(ws.map { reordered($0.hh.tensor!) })
        guard ws[0].biasIh != nil else { return (w, r, nil) }
        let b = Tensor.stack(ws.map { Tensor.cat([reordered($0.biasIh!.tensor!), reordered($0.biasHh!.tensor!)]) })
        return (w, r, b)
    }
}
