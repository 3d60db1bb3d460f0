import Foundation

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

/// Decays the rates as `(1 − epoch / totalIters)^power` times their initial value, reaching 0 at
/// `totalIters`. PyTorch: `torch.optim.lr_scheduler.PolynomialLR`.
public final class PolynomialLR: LRScheduler {
    public let totalIters: Int
    public let power: Double

    /// PyTorch: `PolynomialLR(optimizer, total_iters=5, power=1.0)`.
    public init(_ optimizer: Optimizer, totalIters: Int = 5, power: Double = 1) {
        (self.totalIters, self.power) = (totalIters, power)
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        if lastEpoch == 0 || lastEpoch > totalIters { return currentLrs }
        let t = Double(totalIters), e = Double(lastEpoch)
        let decay = Foundation.pow((1 - e / t) / (1 - (e - 1) / t), power)
        return currentLrs.map { $0 * decay }
    }

    override func closedFormLr() -> [Double]? {
        let progress = Double(Swift.min(totalIters, lastEpoch)) / Double(totalIters)
        return baseLrs.map { $0 * Foundation.pow(1 - progress, power) }
    }
}
