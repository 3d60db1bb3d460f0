import Foundation

/// The 1cycle policy: the rate warms up from `maxLr / divFactor` to `maxLr` over the first
/// `pctStart` of the steps, then anneals to `initial_lr / finalDivFactor`; momentum (or Adam's
/// beta1) cycles the opposite way between `maxMomentum` and `baseMomentum`. Stepped once per
/// batch. PyTorch: `torch.optim.lr_scheduler.OneCycleLR`.
public final class OneCycleLR: LRScheduler {
    /// How each phase moves between its end points. PyTorch: `anneal_strategy`.
    public enum AnnealStrategy: Sendable { case cos, linear }

    private struct Phase {
        let endStep: Double
        let startLr, endLr, startMomentum, endMomentum: String
    }

    /// The number of steps in the cycle. PyTorch: `total_steps`.
    public let totalSteps: Int
    private let phases: [Phase]
    private let anneal: AnnealStrategy
    private let cycleMomentum: Bool
    private let useBeta1: Bool

    /// PyTorch: `OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
    /// pct_start=0.3, anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85,
    /// max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False)`.
    /// `maxLr`, `baseMomentum` and `maxMomentum` hold one value for all groups or one per group.
    public init(_ optimizer: Optimizer, maxLr: [Double], totalSteps: Int? = nil, epochs: Int? = nil,
                stepsPerEpoch: Int? = nil, pctStart: Double = 0.3, annealStrategy: AnnealStrategy = .cos,
                cycleMomentum: Bool = true, baseMomentum: [Double] = [0.85], maxMomentum: [Double] = [0.95],
                divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false) {
        if let totalSteps {
            check(totalSteps > 0, "Expected positive integer total_steps, but got \(totalSteps)")
            self.totalSteps = totalSteps
        } else if let epochs, let stepsPerEpoch {
            check(epochs > 0, "Expected positive integer epochs, but got \(epochs)")
            check(stepsPerEpoch > 0, "Expected positive integer steps_per_epoch, but got \(stepsPerEpoch)")
            self.totalSteps = epochs * stepsPerEpoch
        } else {
            fatalError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        }
        check(pctStart >= 0 && pctStart <= 1, "Expected float between 0 and 1 pct_start, but got \(pctStart)")
        let total = Double(self.totalSteps)
        phases = threePhase
            ? [Phase(endStep: pctStart * total - 1, startLr: "initial_lr", endLr: "max_lr",
                     startMomentum: "max_momentum", endMomentum: "base_momentum"),
               Phase(endStep: 2 * pctStart * total - 2, startLr: "max_lr", endLr: "initial_lr",
                     startMomentum: "base_momentum", endMomentum: "max_momentum"),
               Phase(endStep: total - 1, startLr: "initial_lr", endLr: "min_lr",
                     startMomentum: "max_momentum", endMomentum: "max_momentum")]
            : [Phase(endStep: pctStart * total - 1, startLr: "initial_lr", endLr: "max_lr",
                     startMomentum: "max_momentum", endMomentum: "base_momentum"),
               Phase(endStep: total - 1, startLr: "max_lr", endLr: "min_lr",
                     startMomentum: "base_momentum", endMomentum: "max_momentum")]
        anneal = annealStrategy
        self.cycleMomentum = cycleMomentum
        useBeta1 = optimizer.defaults["betas"] != nil
        let groups = optimizer.paramGroups.count
        let maxLrs = OneCycleLR.perGroup(maxLr, groups, "max_lr")
        for i in 0..<groups {
            let initial = maxLrs[i] / divFactor
            optimizer.paramGroups[i]["initial_lr"] = .double(initial)
            optimizer.paramGroups[i]["max_lr"] = .double(maxLrs[i])
            optimizer.paramGroups[i]["min_lr"] = .double(initial / finalDivFactor)
        }
        if cycleMomentum {
            check(optimizer.defaults["momentum"] != nil || useBeta1,
                  "optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            let maxMs = OneCycleLR.perGroup(maxMomentum, groups, "max_momentum")
            let baseMs = OneCycleLR.perGroup(baseMomentum, groups, "base_momentum")
            for i in 0..<groups {
                OneCycleLR.setMomentum(&optimizer.paramGroups[i], maxMs[i], beta1: useBeta1)
                optimizer.paramGroups[i]["max_momentum"] = .double(maxMs[i])
                optimizer.paramGroups[i]["base_momentum"] = .double(baseMs[i])
            }
        }
        super.init(optimizer)
    }

    /// One maximum rate for every group. PyTorch: `OneCycleLR(optimizer, max_lr=0.1, ...)`.
    public convenience init(_ optimizer: Optimizer, maxLr: Double, totalSteps: Int? = nil, epochs: Int? = nil,
                            stepsPerEpoch: Int? = nil, pctStart: Double = 0.3, annealStrategy: AnnealStrategy = .cos,
                            cycleMomentum: Bool = true, baseMomentum: Double = 0.85, maxMomentum: Double = 0.95,
                            divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false) {
        self.init(optimizer, maxLr: [maxLr], totalSteps: totalSteps, epochs: epochs, stepsPerEpoch: stepsPerEpoch,
                  pctStart: pctStart, annealStrategy: annealStrategy, cycleMomentum: cycleMomentum,
                  baseMomentum: [baseMomentum], maxMomentum: [maxMomentum], divFactor: divFactor,
                  finalDivFactor: finalDivFactor, threePhase: threePhase)
    }

    private static func perGroup(_ values: [Double], _ groups: Int, _ name: String) -> [Double] {
        if values.count == 1 { return Array(repeating: values[0], count: groups) }
        check(values.count == groups, "expected \(groups) values for \(name), got \(values.count)")
        return values
    }

    private static func setMomentum(_ group: inout ParamGroup, _ value: Double, beta1: Bool) {
        if beta1 {
            var betas = group["betas"]?.doubles ?? [0.9, 0.999]
            betas[0] = value
            group["betas"] = .doubles(betas)
        } else {
            group["momentum"] = .double(value)
        }
    }

    private func annealed(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch anneal {
        case .cos: end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1)
        case .linear: (end - start) * pct + start
        }
    }

    override func getLr() -> [Double] {
        check(lastEpoch <= totalSteps,
              "Tried to step \(lastEpoch) times. The specified number of total steps is \(totalSteps)")
        let step = Double(lastEpoch)
        var lrs: [Double] = []
        for i in optimizer.paramGroups.indices {
            let group = optimizer.paramGroups[i]
            var start = 0.0
            for (k, phase) in phases.enumerated() {
                if step <= phase.endStep || k == phases.count - 1 {
                    let pct = (step - start) / (phase.endStep - start)
                    lrs.append(annealed(group.double(phase.startLr), group.double(phase.endLr), pct))
                    if cycleMomentum {
                        let m = annealed(group.double(phase.startMomentum), group.double(phase.endMomentum), pct)
                        OneCycleLR.setMomentum(&optimizer.paramGroups[i], m, beta1: useBeta1)
                    }
                    break
                }
                start = phase.endStep
            }
        }
        return lrs
    }
}
