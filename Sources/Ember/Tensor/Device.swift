/// Where a tensor's memory lives and where its kernels run. PyTorch: `torch.device`.
///
/// This build runs on the CPU only: `cuda.isAvailable()` is false and asking for a CUDA device
/// stops with a message saying so, as PyTorch built without CUDA does. The seam a GPU backend plugs
/// into: a `Storage` reports the device that owns its memory, a tensor's `device` is its
/// storage's, creation functions and `to(_:)` allocate on the device asked for, and a backend
/// will have operations pick their kernels by their operands' device (all CPU today).
public struct Device: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The kind of device. PyTorch: `device.type`.
    public enum Kind: String, Sendable, CaseIterable {
        case cpu, cuda
    }

    /// PyTorch: `device.type`.
    public let type: Kind
    /// The device's number among those of its kind, if one was given. PyTorch: `device.index`.
    public let index: Int?

    /// The CPU. PyTorch: `torch.device("cpu")`.
    public static let cpu = Device(.cpu)

    /// A device of `type`, optionally numbered. PyTorch: `torch.device("cuda", 0)`.
    public init(_ type: Kind, index: Int? = nil) {
        check(index.map { $0 >= 0 } ?? true, "Device index must not be negative")
        self.type = type
        self.index = index
    }

    /// Parses `"cpu"`, `"cuda"`, `"cuda:0"`; stops on anything else, as PyTorch raises.
    /// PyTorch: `torch.device("cuda:0")`.
    public init(_ string: String) {
        do { self = try Device(parsing: string) } catch { fatalError(error.description) }
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Parses a device string from outside (a command-line option): a thrown error instead of a stop.
    public init(parsing string: String) throws(DeviceError) {
        let parts = string.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let type = Kind(rawValue: String(parts[0])) else {
            throw DeviceError("Expected one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")) device type at start of device string: \(string)")
        }
        var index: Int?
        if parts.count == 2 {
            // Digits only, without leading zeros, as PyTorch parses it.
            let digits = parts[1]
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }), digits == "0" || !digits.hasPrefix("0"),
                  let n = Int(digits) else { throw DeviceError("Invalid device string: '\(string)'") }
            index = n
        }
        self.type = type
        self.index = index
    }

    /// `cpu`, `cuda:0`. PyTorch: `str(device)`.
    public var description: String { type.rawValue + (index.map { ":\($0)" } ?? "") }

    /// Whether this build can place tensors on the device.
    public var isAvailable: Bool { type == .cpu || (index ?? 0) < cuda.deviceCount() }

    /// Stops unless tensors can be placed on the device.
    func require() {
        check(isAvailable, "Torch not compiled with CUDA enabled: Ember runs on the CPU only, so device '\(self)' is not available (check cuda.isAvailable() first)")
    }
}

/// A device string that does not parse.
public struct DeviceError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// CUDA devices, as `torch.cuda` reports them: none in this build.
public enum cuda {
    /// PyTorch: `torch.cuda.is_available()`.
    public static func isAvailable() -> Bool { deviceCount() > 0 }
    /// PyTorch: `torch.cuda.device_count()`.
    public static func deviceCount() -> Int { 0 }
}

extension Storage {
    /// The device that owns the memory (the CPU: a GPU backend's storage reports its own).
    public var device: Device { .cpu }
}

extension Tensor {
    /// The device holding the tensor's storage. PyTorch: `tensor.device`.
    public var device: Device { storage.device }

    /// The tensor on `device` (and converted to `dtype`, when given): self when it is already
    /// there with that dtype, or a copy when `copy` is set. A device with an index (`cpu:0`) is
    /// not the tensor's own (`cpu`), so PyTorch copies to it, and so does Ember.
    /// PyTorch: `tensor.to(device, dtype, copy=copy)`.
    public func to(_ device: Device, _ dtype: DType? = nil, copy: Bool = false) -> Tensor {
        device.require()
        return to(dtype ?? self.dtype, copy: copy || device != self.device)
    }

    /// The tensor on CUDA device `index`; stops in this CPU-only build. PyTorch: `tensor.cuda()`.
    public func cuda(_ index: Int? = nil) -> Tensor { to(Device(.cuda, index: index)) }

    /// The tensor on the CPU (self). PyTorch: `tensor.cpu()`.
    public func cpu() -> Tensor { to(.cpu) }
}
