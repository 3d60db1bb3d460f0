import Ember

/// A model read back from what `ember train` wrote: its training checkpoint
/// (`checkpoint.safetensors`) or its final weights (`model.safetensors`), both of which record
/// the workload; a plain state dict (from PyTorch, say) needs the workload named.
struct TrainedModel {
    let workload: Workload
    let model: Module
    /// The epochs the weights were trained for, when the file says.
    let epoch: Int?

    /// The metadata key naming the workload in Ember's files.
    static let workloadKey = "workload"

    init(path: String, workload named: Workload?) throws {
        let (weights, metadata) = try Self.weights(at: path)
        let recorded = metadata[Self.workloadKey]
        if named == nil, let language = recorded.flatMap(CharModelKind.init(rawValue:)) {
            throw CommandError("'\(path)' holds a \(language.rawValue) language model: eval, predict and export take the image "
                               + "classifiers; generate text from it with `ember generate`")
        }
        guard let workload = named ?? recorded.flatMap(Workload.init(rawValue:)) else {
            throw CommandError("'\(path)' does not say which workload it holds; pass --workload "
                               + Workload.allCases.map(\.rawValue).joined(separator: "|"))
        }
        let model = workload.model()
        do {
            try model.loadStateDict(StateDict(weights))
        } catch {
            throw CommandError("'\(path)' does not hold \(workload.rawValue) weights: \(error.summary)")
        }
        model.eval()
        self.workload = workload
        self.model = model
        epoch = metadata["epoch"].flatMap { Int($0) }
    }

    /// The model's weights in a file `ember train` wrote (a training checkpoint's model group, or
    /// the final weights as they are) and the file's metadata; or a state dict PyTorch saved
    /// (`.pt`, `.pth`, `.npz`), without metadata.
    static func weights(at path: String) throws -> (weights: [(String, Tensor)], metadata: [String: String]) {
        let tensors: [(String, Tensor)], metadata: [String: String]?
        do {
            (tensors, metadata) = try SafeTensors.loadWithMetadata(from: path)
        } catch {
            guard error.kind == .otherFormat else { throw error }
            return (try load(from: path).stateDict().items.map { ($0.key, $0.value) }, [:])
        }
        let weights = metadata?[Checkpoint.groupsKey] != nil ? try Checkpoint.load(from: path).groups["model"] ?? [] : tensors
        return (weights, metadata ?? [:])
    }

    /// Stops `command` (eval, predict) with an error unless the weights are a Fashion-MNIST
    /// classifier (anything but linreg).
    func requireClassifier(for command: String, path: String) throws {
        guard workload != .linreg else {
            throw CommandError("'\(path)' holds a linreg model; \(command) needs a Fashion-MNIST classifier")
        }
    }

    /// Writes `module`'s weights with PyTorch's keys (`safetensors.torch.load_file` reads them)
    /// and `metadata`, which names the workload so `init(path:workload:)` can rebuild it.
    static func save(_ module: Module, to path: String, metadata: [String: String]) throws {
        try SafeTensors.save(module.stateDict().items.map { ($0.key, $0.value) }, to: path,
                             metadata: metadata.merging(["format": "pt"]) { a, _ in a })
    }
}

/// A failure the user can fix (a bad file or option), reported as one line.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
