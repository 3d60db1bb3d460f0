import Foundation

/// Why a training checkpoint could not be restored. The model and optimizer are left unchanged.
public enum TrainingCheckpointError: Error, CustomStringConvertible {
    /// The file is missing, damaged or not an Ember checkpoint.
    case file(SafeTensorsError)
    /// The model's weights do not fit (missing, unexpected or wrongly shaped keys).
    case model(path: String, LoadStateDictError)
    /// The optimizer's state does not fit, or its groups cannot be read.
    case optimizer(path: String, String)

    public var description: String {
        switch self {
        case .file(let e): e.description
        case .model(let path, let e): "checkpoint '\(path)': \(e.summary)"
        case .optimizer(let path, let why): "checkpoint '\(path)': optimizer state: \(why)"
        }
    }
}

/// A model's weights, its optimizer's state and the caller's metadata (epoch, step...) in one
/// safetensors file, so training resumes exactly where it stopped. PyTorch:
/// `torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), ...}, path)`.
///
/// Model tensors are stored as `model.<key>` and optimizer state as `optimizer.state.<index>.<name>`;
/// the optimizer's parameter groups go into the metadata as JSON.
public enum TrainingCheckpoint {
    static let groupsKey = "optimizer.param_groups"

    /// Writes the checkpoint atomically (a failed save keeps an existing file as it was).
    public static func save(model: Module, optimizer: Optimizer, metadata: [String: String] = [:],
                            to path: String) throws(SafeTensorsError) {
        let opt = optimizer.stateDict()
        var stateTensors: [(String, Tensor)] = []
        for (index, entries) in opt.state.sorted(by: { $0.key < $1.key }) {
            for (name, t) in entries.sorted(by: { $0.key < $1.key }) { stateTensors.append(("state.\(index).\(name)", t)) }
        }
        var meta = metadata
        // JSON holds no NaN or infinity: a group with such a value (an infinite learning rate)
        // is an error naming the file, not a trap.
        let groups: Data
        do {
            groups = try JSONEncoder().encode(opt.paramGroups.map { $0.mapValues(CodableValue.init) })
        } catch {
            let values = opt.paramGroups.flatMap { $0.sorted { $0.key < $1.key } }.filter { !isFinite($0.value) }
            let named = values.first.map { " ('\($0.key)' is \($0.value))" } ?? ""
            throw SafeTensorsError(.cannotWrite, path: path, "the optimizer's parameter groups cannot be written as JSON\(named)")
        }
        meta[groupsKey] = String(decoding: groups, as: UTF8.self)
        try Checkpoint(groups: ["model": model.stateDict().items.map { ($0.key, $0.value) }, "optimizer": stateTensors],
                       metadata: meta).save(to: path)
    }

    /// Whether JSON can hold `value` (it has no NaN or infinity).
    private static func isFinite(_ value: OptimizerValue) -> Bool {
        switch value {
        case .double(let v): v.isFinite
        case .doubles(let v): v.allSatisfy(\.isFinite)
        case .bool, .ints: true
        case .states(let v): v.allSatisfy { $0.values.allSatisfy(isFinite) }
        }
    }

    /// Restores the model and the optimizer from `path` and returns the caller's metadata. Either
    /// both are restored or, on any error, neither changes.
    @discardableResult
    public static func load(from path: String, model: Module, optimizer: Optimizer) throws(TrainingCheckpointError) -> [String: String] {
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.load(from: path) } catch { throw .file(error) }
        var metadata = checkpoint.metadata
        guard let groupsJSON = metadata.removeValue(forKey: groupsKey),
              let decoded = try? JSONDecoder().decode([[String: CodableValue]].self, from: Data(groupsJSON.utf8)) else {
            throw .optimizer(path: path, "the metadata has no readable '\(groupsKey)'")
        }
        var state: [Int: [String: Tensor]] = [:]
        for (key, t) in checkpoint.groups["optimizer"] ?? [] {
            let parts = key.split(separator: ".", maxSplits: 2)
            guard parts.count == 3, parts[0] == "state", let index = Int(parts[1]) else {
                throw .optimizer(path: path, "unexpected tensor 'optimizer.\(key)'")
            }
            state[index, default: [:]][String(parts[2])] = t
        }
        let optimizerState = OptimizerState(state: state, paramGroups: decoded.map { $0.mapValues(\.value) })
        let previous = model.stateDict().items.map { ($0.key, $0.value.clone()) }
        do {
            try model.loadStateDict(StateDict(checkpoint.groups["model"] ?? []))
        } catch {
            throw .model(path: path, error)
        }
        do {
            try optimizer.loadStateDict(optimizerState)
        } catch {
            _ = try? model.loadStateDict(StateDict(previous))
            throw .optimizer(path: path, error.description)
        }
        return metadata
    }
}

/// `OptimizerValue` as tagged JSON (`{"double": 0.001}`, `{"ints": [0, 1]}`, `{"states": [{key: value}]}`),
/// exact for doubles.
private struct CodableValue: Codable {
    let value: OptimizerValue
    init(_ value: OptimizerValue) { self.value = value }

    private enum Key: String, CodingKey { case double, bool, doubles, ints, states }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch value {
        case .double(let v): try c.encode(v, forKey: .double)
        case .bool(let v): try c.encode(v, forKey: .bool)
        case .doubles(let v): try c.encode(v, forKey: .doubles)
        case .ints(let v): try c.encode(v, forKey: .ints)
        case .states(let v): try c.encode(v.map { $0.mapValues(CodableValue.init) }, forKey: .states)
        }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if let v = try c.decodeIfPresent(Double.self, forKey: .double) { value = .double(v) }
        else if let v = try c.decodeIfPresent(Bool.self, forKey: .bool) { value = .bool(v) }
        else if let v = try c.decodeIfPresent([Double].self, forKey: .doubles) { value = .doubles(v) }
        else if let v = try c.decodeIfPresent([[String: CodableValue]].self, forKey: .states) {
            value = .states(v.map { $0.mapValues(\.value) })
        }
        else { value = .ints(try c.decode([Int].self, forKey: .ints)) }
    }
}
