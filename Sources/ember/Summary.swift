import ArgumentParser
import Ember
import Foundation

/// `ember summary MODEL`: each layer's output shape, parameters and multiply-adds for an input
/// size, and the totals (torchinfo's `summary` for the workloads' networks).
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's layers with their output shapes, parameters and multiply-adds.")

    @Argument(help: "The model: \(Workload.benchable.map(\.rawValue).joined(separator: ", ")).")
    var workload: Workload
    @Option(parsing: .unconditional, help: "Input size C,H,W (default: 1 channel at the recipe's image size).") var input: String?
    @Option(parsing: .unconditional, help: "Batch size of the input.") var batch = 1
    @Option(parsing: .unconditional, help: "Show modules down to this depth; deeper ones are folded into their parent's row.")
    var depth = 3
    @Option(help: "Also write the summary as JSON to this file.") var json: String?

    func validate() throws {
        guard Workload.benchable.contains(workload) else {
            throw ValidationError("'\(workload.rawValue)' is trained from scratch without a module; the models are "
                                  + Workload.benchable.map(\.rawValue).joined(separator: ", "))
        }
        guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
        guard depth >= 0 else { throw ValidationError("--depth must not be negative, got \(depth)") }
        _ = try inputShape()
        if let json { try OutputPaths.checkFile(json, option: "--json") }
    }

    /// `[batch, C, H, W]` from `--input`, checked.
    func inputShape() throws -> [Int] {
        let size = workload.imageSize
        guard let input else { return [batch, 1, size, size] }
        let chw = try InputOption.parse(input)
        guard let elements = InputOption.elementCount([batch] + chw), elements <= 1 << 31 else {
            throw ValidationError("--input: \(batch)×\(chw[0])×\(chw[1])×\(chw[2]) is too large an input")
        }
        return [batch] + chw
    }

    func run() throws {
        let shape = try inputShape()
        let model = workload.model()
        try InputOption.requireOneChannel(shape[1], workload)
        let check = InputSizeCheck(model: model, workload: workload)
        try check.check(height: shape[2], width: shape[3])
        try check.checkMemory(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], training: false,
                              option: input != nil && batch == 1 ? "--input" : "--batch")
        let summary = model.summary(inputShape: shape, depth: depth)
        print(summary)
        if let json { try writeJSON(summary.jsonObject, to: json) }
    }
}
