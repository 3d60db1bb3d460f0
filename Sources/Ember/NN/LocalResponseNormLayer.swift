/// Local response normalization across channels (AlexNet's). PyTorch: `torch.nn.LocalResponseNorm`.
public final class LocalResponseNorm: Module {
    public let size: Int
    public let alpha: Double, beta: Double, k: Double
    /// PyTorch: `nn.LocalResponseNorm(size, alpha=0.0001, beta=0.75, k=1.0)`.
    public init(_ size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) {
        (self.size, self.alpha, self.beta, self.k) = (size, alpha, beta, k)
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { F.localResponseNorm(input, size: size, alpha: alpha, beta: beta, k: k) }
    public override var extraRepr: String { "\(size), alpha=\(PyRepr.float(alpha)), beta=\(PyRepr.float(beta)), k=\(PyRepr.float(k))" }
}
