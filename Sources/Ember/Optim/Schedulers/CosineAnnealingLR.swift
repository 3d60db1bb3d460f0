import Foundation

/// Anneals each rate from its initial value to `etaMin` along a half cosine over `tMax` epochs,
/// then back up, as SGDR without restarts. PyTorch: `torch.optim.lr_scheduler.CosineAnnealingLR`.
///
/// Computed with PyTorch's recursive form, which follows the group's current rate; when nothing
/// else changes the rates it equals the closed form
/// `etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2` up to rounding.
public final class CosineAnnealingLR: LRScheduler {
    /// Epochs of a half period. PyTorch: `T_max`.
    public let tMax: Int
    /// The lowest rate. PyTorch: `eta_min`.
    public let etaMin: Double

    /// PyTorch: `CosineAnnealingLR(optimizer, T_max, eta_min=0.0)`.
    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Double = 0) {
        check(tMax > 0, "T_max must be a positive integer, got \(tMax)")
        self.tMax = tMax
        self.etaMin = etaMin
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        if isInitial { return currentLrs }
        let e = Double(lastEpoch), t = Double(tMax)
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            return zip(currentLrs, baseLrs).map { lr, base in lr + (base - etaMin) * (1 - cos(Double.pi / t)) / 2 }
        }
        return currentLrs.map { lr in
            (1 + cos(Double.pi * e / t)) / (1 + cos(Double.pi * (e - 1) / t)) * (lr - etaMin) + etaMin
        }
    }

    override func closedFormLr() -> [Double]? {
        baseLrs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * Double(lastEpoch) / Double(tMax))) / 2 }
    }
}
