/// Why a model could not be exported to ONNX: an operation the exporter does not trace, or a
/// file that could not be written.
public struct ONNXExportError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Writes `model` to `path` as an ONNX model (opset 17), atomically, by running it once on
/// `exampleInput` in evaluation mode and recording each operation: convolution, linear layers
/// (`Gemm`), batch norm (inference), max, average and global average pooling, ReLU, ReLU6 and
/// hardtanh (`Clip`), sigmoid, tanh, exp, softmax and log-softmax, element-wise add, sub, mul,
/// div, the element-wise maximum (`Max`), matrix products (`MatMul`), sums over dims
/// (`ReduceSum`), concatenation, flatten and reshape, and the `RNN`, `LSTM` and `GRU` layers on padded
/// batched input (ONNX's `RNN`, `LSTM`, `GRU` nodes, one per layer); dropout is the identity.
/// The input's and output's `dynamicAxes` (by default the first, named `batch`; others
/// `dim<i>`) take any size; the other sizes are `exampleInput`'s. The weights are
/// stored in the file, named by the model's state-dict keys. A tensor that reaches the graph
/// from an operation outside this set (or was changed in place by one) throws, naming the
/// operation it reached, and nothing is written. Trace with a batch larger than 1, so that a
/// reshape's literal 1 is not taken for the batch. PyTorch: `torch.onnx.export(model, example, path,
/// opset_version=17, dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})`.
public func exportONNX(_ model: Module, exampleInput: Tensor, to path: String, inputName: String = "input",
                       outputName: String = "output", dynamicAxes: Set<Int> = [0]) throws(ONNXExportError) {
    let wasTraining = model.training
    model.eval()
    defer { model.train(wasTraining) }
    let tracer = ONNXTracer(input: exampleInput, inputName: inputName,
                            parameters: model.namedParameters() + model.namedBuffers())
    let state = ThreadState.current
    state.onnxTracer = tracer
    let output = noGrad { model(exampleInput) }
    state.onnxTracer = nil
    if !tracer.problems.isEmpty {
        throw ONNXExportError("cannot export to ONNX: " + tracer.problems.prefix(3).joined(separator: "; ")
                              + (tracer.problems.count > 3 ? " (and \(tracer.problems.count - 3) more)" : ""))
    }
    guard let produced = tracer.producedName(of: output), produced != inputName else {
        throw ONNXExportError("cannot export to ONNX: the model's output is not made by an operation the exporter traces")
    }
    let bytes = ONNXModel.encode(tracer: tracer, input: (inputName, exampleInput), output: (produced, outputName, output),
                                 dynamicAxes: dynamicAxes)
    try AtomicFile.write(to: path, failure: { ONNXExportError("cannot write ONNX model '\(path)': \($0)") }) {
        file throws(ONNXExportError) in try file.write(bytes)
    }
}
