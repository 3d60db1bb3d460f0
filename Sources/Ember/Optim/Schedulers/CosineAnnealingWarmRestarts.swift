import Foundation

/// Cosine annealing from the initial rates to `etaMin` over `t0` epochs, restarting at the initial
/// rates, each period `tMult` times the last (SGDR). PyTorch:
/// `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`.
public final class CosineAnnealingWarmRestarts: LRScheduler {
    public let t0: Int, tMult: Int
    public let etaMin: Double
    /// Epochs since the last restart, and the current period. PyTorch: `T_cur`, `T_i`.
    public private(set) var tCur = 0, tI: Int

    /// PyTorch: `CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0.0)`.
    public init(_ optimizer: Optimizer, t0: Int, tMult: Int = 1, etaMin: Double = 0) {
        check(t0 > 0, "Expected positive integer T_0, but got \(t0)")
        check(tMult >= 1, "Expected integer T_mult >= 1, but got \(tMult)")
        (self.t0, self.tMult, self.etaMin, self.tI) = (t0, tMult, etaMin, t0)
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        if isInitial {
            tCur = 0
        } else {
            tCur += 1
            if tCur >= tI {
                tCur -= tI
                tI *= tMult
            }
        }
        return baseLrs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * Double(tCur) / Double(tI))) / 2 }
    }

    /// PyTorch's `step(epoch)`: the period and the epochs into it, found from the epoch.
    override func closedFormLr() -> [Double]? {
        if lastEpoch >= t0 {
            if tMult == 1 {
                tCur = lastEpoch % t0
                tI = t0
            } else {
                let cycles = Int(Foundation.log(Double(lastEpoch) / Double(t0) * Double(tMult - 1) + 1) / Foundation.log(Double(tMult)))
                let power = Int(Foundation.pow(Double(tMult), Double(cycles)))
                tCur = lastEpoch - t0 * (power - 1) / (tMult - 1)
                tI = t0 * power
            }
        } else {
            (tCur, tI) = (lastEpoch, t0)
        }
        return baseLrs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * Double(tCur) / Double(tI))) / 2 }
    }

    override var extraState: [String: OptimizerValue] { ["T_cur": .double(Double(tCur)), "T_i": .double(Double(tI))] }
    override func loadExtraState(_ state: [String: OptimizerValue]) {
        if let v = state["T_cur"] { tCur = Int(v.double) }
        if let v = state["T_i"] { tI = Int(v.double) }
    }
}
