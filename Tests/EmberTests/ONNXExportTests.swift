import Foundation
import Testing
@testable import Ember

// The ONNX exporter's trace (scripts/check_onnx.py runs the exported zoo through onnx.checker and
// onnxruntime against PyTorch; this suite checks what needs no Python).

/// The op types a forward pass of `model` on `input` records.
private func tracedOps(_ model: Module, _ input: Tensor) -> (ops: [String], problems: [String]) {
    let tracer = ONNXTracer(input: input, inputName: "input", parameters: model.namedParameters() + model.namedBuffers())
    ThreadState.current.onnxTracer = tracer
    defer { ThreadState.current.onnxTracer = nil }
    _ = noGrad { model.eval()(input) }
    return (tracer.nodes.map(\.op), tracer.problems)
}

@Suite struct ONNXExportTests {
    @Test func leNetTracesToItsLayers() {
        let (ops, problems) = tracedOps(LeNet(), Tensor.zeros([1, 1, 32, 32]))
        #expect(problems.isEmpty)
        #expect(ops == ["Conv", "Relu", "AveragePool", "Conv", "Relu", "AveragePool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm"])
    }

    @Test func residualsConcatsAndBatchNormAreTraced() {
        let resnet = tracedOps(ResNet(), Tensor.zeros([1, 1, 96, 96]))
        #expect(resnet.problems.isEmpty)
        #expect(resnet.ops.contains("Add") && resnet.ops.contains("BatchNormalization") && resnet.ops.contains("GlobalAveragePool"))
        let densenet = tracedOps(DenseNet(), Tensor.zeros([1, 1, 96, 96]))
        #expect(densenet.problems.isEmpty && densenet.ops.contains("Concat"))
        let mobilenet = tracedOps(MobileNetV2(), Tensor.zeros([1, 1, 96, 96]))
        #expect(mobilenet.problems.isEmpty && mobilenet.ops.contains("Clip"))
        // Ops inside a traced op are its implementation: a linear layer is one Gemm.
        #expect(tracedOps(Linear(3, 2), Tensor.zeros([4, 3])).ops == ["Gemm"])
    }

    /// Recurrent layers become one ONNX node per layer. With `EMBER_ONNX_OUT=DIR` the models are
    /// also written there for `scripts/check_onnx.py --recurrent DIR`, which rebuilds them in
    /// PyTorch from the same seeds and compares onnxruntime's outputs with PyTorch's.
    @Test func recurrentLayersExportAsOneNodePerLayer() throws {
        let dir = ProcessInfo.processInfo.environment["EMBER_ONNX_OUT"] ?? NSTemporaryDirectory() + "ember-onnx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        final class Last: Module {
            let layer: RNNBase
            init(_ layer: RNNBase) { self.layer = layer; super.init() }
            override func forward(_ x: Tensor) -> Tensor { layer(x) }
        }
        let cases: [(String, () -> RNNBase, Int)] = [
            ("lstm", { LSTM(5, 4, numLayers: 2, bidirectional: true) }, 2),
            ("gru", { GRU(5, 4, numLayers: 2, batchFirst: true) }, 2),
            ("rnn", { RNN(5, 4, nonlinearity: .relu, bidirectional: true) }, 1),
        ]
        for (name, make, layers) in cases {
            let model = withOwnGenerator(seed: 0) { Last(make()) }
            let (ops, problems) = tracedOps(model, Tensor.zeros([3, 2, 5]))
            #expect(problems.isEmpty, "\(name): \(problems)")
            #expect(ops.filter { ["LSTM", "GRU", "RNN"].contains($0) }.count == layers, "\(name): \(ops)")
            try exportONNX(model, exampleInput: Tensor.zeros([3, 2, 5]), to: "\(dir)/\(name).onnx", dynamicAxes: [0, 1])
        }
    }

    /// What the graph would get wrong is refused: a value changed in place by an untraced op, a
    /// scalar computed by an untraced reduction, an integer division ONNX would truncate.
    @Test func silentDifferencesAreRefused() {
        final class Body: Module {
            let step: (Tensor) -> Tensor
            init(_ step: @escaping (Tensor) -> Tensor) { self.step = step; super.init() }
            override func forward(_ x: Tensor) -> Tensor { step(x) }
        }
        let cases: [(String, (Tensor) -> Tensor, Tensor)] = [
            ("in place", { x in let y = x.relu(); y.mul_(0.5); return y + 1.0 }, Tensor.ones([2, 3])),
            ("reduction", { x in x - x.amax() }, Tensor.ones([2, 3])),
            ("integer division", { x in x / Tensor([2], dtype: .int64) }, Tensor([[1, 2]], dtype: .int64)),
        ]
        for (name, step, input) in cases {
            let (_, problems) = tracedOps(Body(step), input)
            #expect(!problems.isEmpty, "\(name)")
        }
        // A reshape keeps the caller's -1 and the batch dynamic.
        let (ops, problems) = tracedOps(Body { $0.view(-1, 6) }, Tensor.ones([2, 2, 3]))
        #expect(ops == ["Reshape"] && problems.isEmpty)
    }

    /// The textbook's from-scratch networks (`x @ W + b`, `max(x, 0)`, `exp(o) / sum(exp(o))`)
    /// trace to MatMul, Max, Exp and ReduceSum.
    @Test func fromScratchOpsAreTraced() {
        final class Scratch: Module {
            @Parameter var w = Tensor.ones([3, 2])
            @Parameter var b = Tensor.zeros([2])
            override func forward(_ x: Tensor) -> Tensor {
                let o = (x.matmul(w) + b).maximum(0.0 as Double)
                let e = o.exp()
                return e / e.sum(dim: 1, keepDim: true)
            }
        }
        let (ops, problems) = tracedOps(Scratch(), Tensor.ones([2, 3]))
        #expect(problems.isEmpty, "\(problems)")
        #expect(ops == ["MatMul", "Add", "Max", "Exp", "ReduceSum", "Div"], "\(ops)")
    }

    @Test func anUntracedOpIsRefusedNamingWhatReachedTheGraph() throws {
        final class Sqrt: Module {
            let fc = Linear(3, 2)
            override func forward(_ x: Tensor) -> Tensor { fc(x.sqrt()) }
        }
        let path = NSTemporaryDirectory() + "ember-\(UUID().uuidString).onnx"
        let error = try #require(throws: ONNXExportError.self) { try exportONNX(Sqrt(), exampleInput: Tensor.ones([2, 3]), to: path) }
        #expect(error.description.contains("Gemm") && error.description.contains("[2, 3]"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func theFileIsAModelProtoWithTheWeights() throws {
        let path = NSTemporaryDirectory() + "ember-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        manualSeed(0)
        let model = Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
        model.train()
        try exportONNX(model, exampleInput: Tensor.ones([1, 3]), to: path)
        #expect(model.training, "the export restores training mode")
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(bytes.prefix(2)) == [0x08, 0x08])  // ir_version = 8
        let text = String(decoding: bytes, as: UTF8.self)
        for name in ["0.weight", "0.bias", "2.weight", "Gemm", "Relu", "Identity", "batch", "input", "output"] {
            #expect(text.contains(name), "\(name)")
        }
        let weight = model.stateDict()["0.weight"]!.toFloats()
        let raw = weight.withUnsafeBytes { Data($0) }
        #expect(bytes.range(of: raw) != nil, "the weights are stored raw, little-endian")
    }
}
