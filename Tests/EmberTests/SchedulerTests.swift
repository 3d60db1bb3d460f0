import Foundation
import Testing
@testable import Ember

// Learning-rate schedules against PyTorch, from the "schedulers" table of Tests/Fixtures/optim.json
// (see scripts/fixtures/optim.py). Rates are compared with relative tolerance 1e-12: the recursive
// forms round as PyTorch's do, so they agree to the last bit or two.

/// The fixture's scheduler on `opt`, stepped with `step()` (all but ReduceLROnPlateau).
private func makeScheduler(_ c: OptimFixtures.SchedulerCase, _ opt: Optimizer) -> LRScheduler {
    let a = c.args
    func d(_ key: String, _ fallback: Double) -> Double { a[key]?.double ?? fallback }
    func doubles(_ key: String, _ fallback: Double) -> [Double] {
        guard let v = a[key] else { return [fallback] }
        if case .array(let xs) = v { return xs.map(\.double) }
        return [v.double]
    }
    switch c.scheduler {
    case "StepLR": return StepLR(opt, stepSize: a["step_size"]!.int, gamma: d("gamma", 0.1))
    case "MultiStepLR": return MultiStepLR(opt, milestones: a["milestones"]!.ints, gamma: d("gamma", 0.1))
    case "ExponentialLR": return ExponentialLR(opt, gamma: d("gamma", 0))
    case "CosineAnnealingLR": return CosineAnnealingLR(opt, tMax: a["T_max"]!.int, etaMin: d("eta_min", 0))
    case "LambdaLR": return LambdaLR(opt) { Foundation.pow(0.95, Double($0)) }
    case "OneCycleLR":
        return OneCycleLR(opt, maxLr: doubles("max_lr", 0), totalSteps: a["total_steps"]?.int,
                          epochs: a["epochs"]?.int, stepsPerEpoch: a["steps_per_epoch"]?.int,
                          pctStart: d("pct_start", 0.3),
                          annealStrategy: a["anneal_strategy"]?.string == "linear" ? .linear : .cos,
                          baseMomentum: doubles("base_momentum", 0.85), maxMomentum: doubles("max_momentum", 0.95),
                          divFactor: d("div_factor", 25), finalDivFactor: d("final_div_factor", 1e4),
                          threePhase: a["three_phase"]?.bool ?? false)
    default: fatalError("unknown scheduler \(c.scheduler)")
    }
}

private func expectClose(_ got: [[Double]], _ want: [[Double]], _ label: String) {
    #expect(got.count == want.count, "\(label): \(got.count) epochs, expected \(want.count)")
    for (e, (g, w)) in zip(got, want).enumerated() {
        let ok = g.count == w.count && zip(g, w).allSatisfy { Swift.abs($0 - $1) <= 1e-12 * Swift.abs($1) }
        #expect(ok, "\(label) epoch \(e): got \(g), expected \(w)")
    }
}

@Suite struct SchedulerTests {
    @Test(arguments: optimFixtures.schedulers.keys.sorted())
    func scheduleMatchesPyTorch(_ name: String) {
        let c = optimFixtures.schedulers[name]!
        let w = Tensor.zeros([2, 3], dtype: .float64, requiresGrad: true)
        let b = Tensor.zeros([2], dtype: .float64, requiresGrad: true)
        let groups = [ParamGroup([w], lr: 0.1), ParamGroup([b], lr: 0.01)]
        let opt: Optimizer = c.optimizer == "SGD" ? SGD(groups, momentum: 0.9) : Adam(groups)
        func momenta() -> [Double] { opt.paramGroups.map { $0["betas"]?.doubles[0] ?? $0["momentum"]!.double } }
        var lrs = [opt.paramGroups.map(\.lr)], moms = [momenta()]
        if c.scheduler == "ReduceLROnPlateau" {
            let a = c.args
            let s = ReduceLROnPlateau(opt, mode: a["mode"]?.string == "max" ? .max : .min,
                                      factor: a["factor"]?.double ?? 0.1, patience: a["patience"]?.int ?? 10,
                                      threshold: a["threshold"]?.double ?? 1e-4,
                                      thresholdMode: a["threshold_mode"]?.string == "abs" ? .abs : .rel,
                                      cooldown: a["cooldown"]?.int ?? 0, minLr: a["min_lr"]?.double ?? 0)
            for m in c.metrics! {
                opt.step()
                s.step(m)
                lrs.append(s.getLastLr())
            }
        } else {
            let s = makeScheduler(c, opt)
            lrs = [opt.paramGroups.map(\.lr)]
            moms = [momenta()]
            for _ in 1..<c.lrs.count {
                opt.step()
                s.step()
                lrs.append(s.getLastLr())
                moms.append(momenta())
            }
        }
        expectClose(lrs, c.lrs, "\(name) lr")
        if let want = c.momenta { expectClose(moms, want, "\(name) momentum") }
    }

    @Test func schedulerRecordsInitialLr() {
        let opt = SGD([Tensor.zeros([1], requiresGrad: true)], lr: 0.2)
        let s = StepLR(opt, stepSize: 1, gamma: 0.5)
        #expect(opt.paramGroups[0]["initial_lr"] == .double(0.2))
        #expect(s.baseLrs == [0.2])
        #expect(s.lastEpoch == 0)
        s.step()
        #expect(s.getLastLr() == [0.1])
        #expect(opt.stateDict().paramGroups[0]["initial_lr"] == .double(0.2))
    }
}
