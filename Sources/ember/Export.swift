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
    @Option(parsing: .unconditional, help: "Input size C,H,W of an image classifier (default: 1 channel at the workload's image size).")
    var input: String?

    func validate() throws {
        try OutputPaths.checkFile(onnx, option: "--onnx")
        if let input { _ = try InputOption.parse(input) }
    }

    func run() throws {
        let trained = try TrainedModel(path: checkpoint, workload: workload)
        let w = trained.workload
        let example: Tensor
        if w.fromScratch {
            // The from-scratch networks take a fixed number of features: linreg's 3, the
            // classifiers' 784 (a 28 × 28 image flattened); their first layer fixes the input size.
            if let input, try w == .linreg || InputOption.parse(input) != [1, 28, 28] {
                throw CommandError("--input: \(w.rawValue)'s first layer takes "
                                   + (w == .linreg ? "3 features, not images" : "28 × 28 images (784 features)") + ", got '\(input)'")
            }
            // Traced with two samples, so that no literal 1 in the model is taken for the batch.
            example = w == .linreg ? Tensor.zeros([2, 3]) : w.input(Tensor.zeros([2, 1, 28, 28]))
        } else {
            let chw = try input.map(InputOption.parse) ?? [1, w.imageSize, w.imageSize]
            try InputOption.requireOneChannel(chw[0], w)
            let check = InputSizeCheck(model: trained.model, workload: w)
            try check.check(height: chw[1], width: chw[2])
            try check.checkMemory(batch: 2, channels: chw[0], height: chw[1], width: chw[2], training: false, option: "--input")
            example = Tensor.zeros([2] + chw)
        }
        try exportONNX(trained.model, exampleInput: example, to: onnx)
        print("wrote \(onnx): \(w.rawValue), input (batch, \(example.shape.dropFirst().map(String.init).joined(separator: ", ")))")
    }
}
