import ArgumentParser
import Ember

/// `ember predict CHECKPOINT IMAGE.png`: the five likeliest Fashion-MNIST classes of an image.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify a PNG image with a trained model: the top-5 classes and their probabilities.",
        discussion: "The image is read as gray levels and resized to the model's input size; like "
            + "Fashion-MNIST, the garment should be light on a dark background.")

    @Argument(help: "The weights (checkpoint.safetensors or model.safetensors from `ember train`).") var checkpoint: String
    @Argument(help: "The image, a PNG file.") var image: String
    @Option(help: "The workload the weights belong to, when the file does not say.") var workload: Workload?

    func run() throws {
        let trained = try TrainedModel(path: checkpoint, workload: workload)
        let w = trained.workload
        try trained.requireClassifier(for: "predict", path: checkpoint)
        let pixels = try PNGFile.read(image, channels: 1)
        var x = (pixels.permute(2, 0, 1).unsqueeze(0).to(.float32) / 255)
        if x.shape[2] != w.imageSize || x.shape[3] != w.imageSize {
            x = F.interpolate(x, size: [w.imageSize, w.imageSize], mode: "bilinear")
        }
        let output = noGrad { trained.model(w.input(x)) }
        let probabilities = w.fromScratch ? output[0] : F.softmax(output, dim: 1)[0]
        let top = probabilities.topk(5)
        for (p, k) in zip(top.values.toDoubles(), top.indices.toInts()) {
            print(String(format: "%6.2f%%  %@", p * 100, FashionMNIST.classes[k]))
        }
    }
}
