/// Scales the rates linearly from `startFactor` to `endFactor` times their initial value over
/// `totalIters` epochs, then keeps them. PyTorch: `torch.optim.lr_scheduler.LinearLR`.
public final class LinearLR: LRScheduler {
    public let startFactor: Double, endFactor: Double
    public let totalIters: Int

    /// PyTorch: `LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5)`.
    public init(_ optimizer: Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalIters: Int = 5) {
        check(startFactor > 0 && startFactor <= 1,
              "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        check(endFactor >= 0 && endFactor <= 1, "Ending multiplicative factor expected to be between 0 and 1.")
        (self.startFactor, self.endFactor, self.totalIters) = (startFactor, endFactor, totalIters)
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        if lastEpoch == 0 { return currentLrs.map { $0 * startFactor } }
        if lastEpoch > totalIters { return currentLrs }
        let step = 1 + (endFactor - startFactor)
            / (Double(totalIters) * startFactor + Double(lastEpoch - 1) * (endFactor - startFactor))
        return currentLrs.map { $0 * step }
    }

    override func closedFormLr() -> [Double]? {
        let progress = Double(Swift.min(totalIters, lastEpoch)) / Double(totalIters)
        return baseLrs.map { $0 * (startFactor + (endFactor - startFactor) * progress) }
    }
}
