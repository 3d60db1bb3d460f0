import ArgumentParser
import Ember
import Foundation

/// `ember export CHECKPOINT --onnx OUT.onnx`: a trained model as an ONNX file other runtimes
/// serve (onnxruntime, TensorRT...), traced from one forward pass.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a trained model to ONNX (opset 17, dynamic batch).",
        discussion: "CHECKPOINT is a checkpoint.safetensors or model.safetensors written by `ember train`, "
            + "or a state dict from PyTorch (.pt, .pth or safetensors; then pass --workload).")

    @Argument(help: "The weights to export.") var checkpoint: String
    @Option(help: "The workload the weights belong to, when the file does not say.") var workload: Workload?
    @Option(help: "Where to write the ONNX model.") var onnx: String
    @Option(help: "Input size C,H,W (default: 1 channel at the workload's image size).") var input: String?

    func validate() throws {
        try OutputPaths.checkFile(onnx, option: "--onnx")
        if let input {
            let parts = input.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, parts.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 16384 }) else {
                throw ValidationError("--input: expected C,H,W as three positive sizes (at most 16384), got '\(input)'")
            }
        }
    }

    func run() throws {
        let trained = try TrainedModel(path: checkpoint, workload: workload)
        let w = trained.workload
        let size = w.imageSize
        // Traced with two samples, so that no literal 1 in the model is taken for the batch.
        let shape = input.map { [2] + $0.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces))! } } ?? [2, 1, size, size]
        try InputSizeCheck(model: trained.model, workload: w).check(height: shape[2], width: shape[3])
        let example = w.input(Tensor.zeros(shape))
        try exportONNX(trained.model, exampleInput: example, to: onnx)
        print("wrote \(onnx): \(w.rawValue), input (batch, \(example.shape.dropFirst().map(String.init).joined(separator: ", ")))")
    }
}
