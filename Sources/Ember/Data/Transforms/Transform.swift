/// A function from tensor to tensor applied to each sample as it is read. torchvision: a
/// transform (a callable taking an image); `Sendable` because DataLoader workers apply it.
public protocol Transform: Sendable {
    /// The transformed sample.
    func callAsFunction(_ input: Tensor) -> Tensor
}

/// Transforms applied one after the other. torchvision: `transforms.Compose`.
public struct Compose: Transform {
    /// The transforms, first applied first.
    public let transforms: [any Transform]

    /// Chains `transforms`.
    public init(_ transforms: [any Transform]) { self.transforms = transforms }

    public func callAsFunction(_ input: Tensor) -> Tensor { transforms.reduce(input) { x, t in t(x) } }
}

/// A closure used as a transform. torchvision: `transforms.Lambda`.
public struct Lambda: Transform {
    /// The function applied.
    public let function: @Sendable (Tensor) -> Tensor

    /// Wraps `function`.
    public init(_ function: @escaping @Sendable (Tensor) -> Tensor) { self.function = function }

    public func callAsFunction(_ input: Tensor) -> Tensor { function(input) }
}
