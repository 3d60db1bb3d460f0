/// Named groups of tensors (a model's state dict, an optimizer's state...) and string metadata,
/// saved together in one safetensors file, atomically.
///
/// A tensor `w` of group `model` is stored under the key `model.w`, so PyTorch reads the file
/// with `safetensors.torch.load_file` and sees every tensor by its prefixed name; the group list
/// goes into the file's metadata under `ember.checkpoint.groups` as a JSON array, next to the
/// caller's own entries (numbers or JSON encoded as strings: epoch, step, hyperparameters).
public struct Checkpoint {
    /// The metadata key holding the JSON array of group names; a safetensors file with this key
    /// is an Ember checkpoint.
    public static let groupsKey = "ember.checkpoint.groups"

    /// Tensor groups by name; a group's tensors are named within the group (`fc.weight`). Group
    /// names must be non-empty and contain no `.` (the first `.` of a stored key ends its group).
    public var groups: [String: [(String, Tensor)]]
    /// The caller's metadata. Keys starting with `ember.checkpoint.` are reserved.
    public var metadata: [String: String]

    /// A checkpoint holding `groups` and `metadata`.
    public init(groups: [String: [(String, Tensor)]] = [:], metadata: [String: String] = [:]) {
        self.groups = groups
        self.metadata = metadata
    }

    /// Writes every group and the metadata to `path` in one atomic write: a failed save leaves
    /// an existing checkpoint as it was. PyTorch: `torch.save({"model": ..., "optimizer": ...})`.
    public func save(to path: String) throws(SafeTensorsError) {
        for group in groups.keys {
            check(!group.isEmpty && !group.contains("."), "Checkpoint.save: group name '\(group)' must be non-empty and contain no '.'")
        }
        for key in metadata.keys {
            check(!key.hasPrefix("ember.checkpoint."), "Checkpoint.save: metadata key '\(key)' is reserved")
        }
        let names = groups.keys.sorted()
        var tensors: [(String, Tensor)] = []
        for group in names {
            tensors += groups[group]!.map { (group + "." + $0.0, $0.1) }
        }
        var meta = metadata
        meta[Self.groupsKey] = "[" + names.map(HeaderJSON.quoted).joined(separator: ",") + "]"
        try SafeTensors.save(tensors, to: path, metadata: meta)
    }

    /// Reads a checkpoint written by `save(to:)`. Throws `SafeTensorsError` naming the file (and
    /// the key, when one is to blame) for a damaged file, or one without Ember's group list.
    /// PyTorch: `torch.load`.
    public static func load(from path: String) throws(SafeTensorsError) -> Checkpoint {
        func fail(_ reason: String, key: String? = nil) -> SafeTensorsError {
            SafeTensorsError(.invalidCheckpoint, path: path, key: key, reason)
        }
        let (tensors, fileMetadata) = try SafeTensors.loadWithMetadata(from: path)
        var metadata = fileMetadata ?? [:]
        guard let list = metadata.removeValue(forKey: groupsKey) else {
            throw fail("not an Ember checkpoint: its metadata has no '\(groupsKey)' entry")
        }
        let parsed = try? Array(list.utf8).withUnsafeBytes { bytes throws(HeaderJSONError) in try HeaderJSON.parse(bytes) }
        guard case .array(let items)? = parsed else { throw fail("'\(groupsKey)' is not a JSON array of group names") }
        var groups: [String: [(String, Tensor)]] = [:]
        for item in items {
            guard case .string(let name) = item, !name.isEmpty, !name.contains(".") else {
                throw fail("'\(groupsKey)' is not a JSON array of group names")
            }
            groups[name] = []
        }
        for (key, t) in tensors {
            guard let dot = key.firstIndex(of: "."), groups[String(key[..<dot])] != nil else {
                throw fail("the key does not start with one of the groups \(list) and a '.'", key: key)
            }
            groups[String(key[..<dot]), default: []].append((String(key[key.index(after: dot)...]), t))
        }
        return Checkpoint(groups: groups, metadata: metadata)
    }
}
