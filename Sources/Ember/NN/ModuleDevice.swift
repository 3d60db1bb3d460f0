extension Module {
    /// Moves the parameters and buffers to `device` (they are on the CPU, the only device of this
    /// build). PyTorch: `module.to(device)`.
    @discardableResult
    public func to(_ device: Device) -> Self {
        device.require()
        return self
    }

    /// PyTorch: `module.cuda()`; stops in this CPU-only build.
    @discardableResult
    public func cuda(_ index: Int? = nil) -> Self { to(Device(.cuda, index: index)) }

    /// PyTorch: `module.cpu()`.
    @discardableResult
    public func cpu() -> Self { to(.cpu) }
}
