import Foundation

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
