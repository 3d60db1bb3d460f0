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
    @Option(help: "Input size C,H,W (default: 1 channel at the recipe's image size).") var input: String?
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
        let parts = input.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let c = parts[0], let h = parts[1], let w = parts[2], c > 0, h > 0, w > 0,
              c <= 4096, h <= 16384, w <= 16384 else {
            throw ValidationError("--input: expected C,H,W as three positive sizes (at most 4096 channels and 16384 pixels a side), got '\(input)'")
        }
        let (elements, overflow) = [batch, c, h, w].reduce((1, false)) { acc, n in
            let r = acc.0.multipliedReportingOverflow(by: n)
            return (r.partialValue, acc.1 || r.overflow)
        }
        guard !overflow, elements <= 1 << 31 else { throw ValidationError("--input: \(batch)×\(c)×\(h)×\(w) is too large an input") }
        return [batch, c, h, w]
    }

    func run() throws {
        let shape = try inputShape()
        let model = workload.model()
        guard shape[1] == 1 else {
            throw CommandError("--input: \(workload.rawValue) takes 1 channel (Fashion-MNIST's gray images), got \(shape[1])")
        }
        try InputSizeCheck(model: model, workload: workload).check(height: shape[2], width: shape[3])
        let summary = model.summary(inputShape: shape, depth: depth)
        print(summary)
        if let json { try writeJSON(summary.jsonObject, to: json) }
    }
}
