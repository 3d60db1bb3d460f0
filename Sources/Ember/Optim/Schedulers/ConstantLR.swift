/// Multiplies the rates by `factor` for the first `totalIters` epochs. PyTorch:
/// `torch.optim.lr_scheduler.ConstantLR`.
public final class ConstantLR: LRScheduler {
    public let factor: Double
    public let totalIters: Int

    /// PyTorch: `ConstantLR(optimizer, factor=1/3, total_iters=5)`.
    public init(_ optimizer: Optimizer, factor: Double = 1.0 / 3, totalIters: Int = 5) {
        check(factor >= 0 && factor <= 1, "Constant multiplicative factor expected to be between 0 and 1.")
        (self.factor, self.totalIters) = (factor, totalIters)
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        if lastEpoch == 0 { return currentLrs.map { $0 * factor } }
        if lastEpoch != totalIters { return currentLrs }
        return currentLrs.map { $0 * (1 / factor) }
    }

    override func closedFormLr() -> [Double]? {
        baseLrs.map { $0 * (factor + (lastEpoch >= totalIters ? 1 - factor : 0)) }
    }
}
