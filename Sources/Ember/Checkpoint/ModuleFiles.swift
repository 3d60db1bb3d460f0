extension Module {
    /// Writes `stateDict()` to a safetensors file, atomically, with PyTorch's key names, so
    /// `safetensors.torch.load_file(path)` gives a state dict `model.load_state_dict` accepts.
    /// PyTorch: `safetensors.torch.save_file(model.state_dict(), path)`.
    public func save(to path: String) throws(SafeTensorsError) {
        try SafeTensors.save(stateDict().items.map { ($0.key, $0.value) }, to: path, metadata: ["format": "pt"])
    }

    /// Loads a safetensors state dict (written by `save(to:)` or by PyTorch) into this model. A
    /// malformed file throws `SafeTensorsError`; missing, unexpected or wrongly shaped keys throw
    /// `LoadStateDictError`; either way the model is left unchanged.
    /// PyTorch: `model.load_state_dict(safetensors.torch.load_file(path), strict)`.
    @discardableResult
    public func load(from path: String, strict: Bool = true) throws -> IncompatibleKeys {
        try loadStateDict(StateDict(try SafeTensors.load(from: path)), strict: strict)
    }
}
