import Foundation
import Testing
@testable import Ember

// Learning-rate schedules against PyTorch, from the "schedulers" table of Tests/Fixtures/optim.json
// (see scripts/fixtures/optim.py). Rates are compared with relative tolerance 1e-12: the recursive
// forms round as PyTorch's do, so they agree to the last bit or two.

/// A scheduler of the fixture's kind `kind` with arguments `a` on `opt`.
private func makeLRScheduler(_ kind: String, _ a: [String: JSONValue], _ opt: Optimizer) -> LRScheduler {
    func d(_ key: String, _ fallback: Double) -> Double { a[key]?.double ?? fallback }
    func doubles(_ key: String, _ fallback: Double) -> [Double] {
        guard let v = a[key] else { return [fallback] }
        if case .array(let xs) = v { return xs.map(\.double) }
        return [v.double]
    }
    switch kind {
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
    case "LinearLR":
        return LinearLR(opt, startFactor: d("start_factor", 1.0 / 3), endFactor: d("end_factor", 1), totalIters: a["total_iters"]?.int ?? 5)
    case "ConstantLR": return ConstantLR(opt, factor: d("factor", 1.0 / 3), totalIters: a["total_iters"]?.int ?? 5)
    case "PolynomialLR": return PolynomialLR(opt, totalIters: a["total_iters"]?.int ?? 5, power: d("power", 1))
    case "CosineAnnealingWarmRestarts":
        return CosineAnnealingWarmRestarts(opt, t0: a["T_0"]!.int, tMult: a["T_mult"]?.int ?? 1, etaMin: d("eta_min", 0))
    case "CyclicLR":
        return CyclicLR(opt, baseLr: doubles("base_lr", 0), maxLr: doubles("max_lr", 0), stepSizeUp: a["step_size_up"]?.int ?? 2000,
                        stepSizeDown: a["step_size_down"]?.int, mode: CyclicLR.Mode(rawValue: a["mode"]?.string ?? "triangular")!,
                        gamma: d("gamma", 1))
    default: fatalError("unknown scheduler \(kind)")
    }
}

/// The fixture's scheduler on `opt` as its `step()` and `getLastLr()` (all but ReduceLROnPlateau).
private func makeScheduler(_ c: OptimFixtures.SchedulerCase, _ opt: Optimizer) -> (step: () -> Void, lastLr: () -> [Double]) {
    let parts = { c.args["schedulers"]!.array.map { makeLRScheduler($0.array[0].string, $0.array[1].object, opt) } }
    switch c.scheduler {
    case "SequentialLR":
        let s = SequentialLR(opt, schedulers: parts(), milestones: c.args["milestones"]!.ints)
        return (s.step, s.getLastLr)
    case "ChainedScheduler":
        let s = ChainedScheduler(parts())
        return (s.step, s.getLastLr)
    default:
        let s = makeLRScheduler(c.scheduler, c.args, opt)
        return ({ s.step() }, s.getLastLr)
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
                lrs.append(s.lastLr())
                moms.append(momenta())
            }
        }
        expectClose(lrs, c.lrs, "\(name) lr")
        if let want = c.momenta { expectClose(moms, want, "\(name) momentum") }
    }

    /// A schedule stopped after 2 or 5 steps and resumed from the optimizer's and the scheduler's
    /// state dicts on fresh objects continues exactly as the uninterrupted one (SequentialLR
    /// across its milestone, at 3, and past it).
    @Test(arguments: ["step", "warm_restarts", "cyclic_triangular2_down", "onecycle_sgd", "linear", "constant", "polynomial",
                      "sequential", "sequential_warm_restarts", "chained"])
    func stateDictResumesTheSchedule(_ name: String) {
        let c = optimFixtures.schedulers[name]!
        /// A fresh optimizer and the fixture's scheduler on it, with its state dict's save and load.
        func fresh() -> (opt: Optimizer, step: () -> Void, lastLr: () -> [Double],
                         save: () -> [String: OptimizerValue], load: ([String: OptimizerValue]) -> Void) {
            let groups = [ParamGroup([Tensor.zeros([2], dtype: .float64, requiresGrad: true)], lr: 0.1),
                          ParamGroup([Tensor.zeros([2], dtype: .float64, requiresGrad: true)], lr: 0.01)]
            let opt: Optimizer = c.optimizer == "SGD" ? SGD(groups, momentum: 0.9) : Adam(groups)
            let parts = { c.args["schedulers"]!.array.map { makeLRScheduler($0.array[0].string, $0.array[1].object, opt) } }
            switch c.scheduler {
            case "SequentialLR":
                let s = SequentialLR(opt, schedulers: parts(), milestones: c.args["milestones"]!.ints)
                return (opt, s.step, s.getLastLr, s.stateDict, s.loadStateDict)
            case "ChainedScheduler":
                let s = ChainedScheduler(parts())
                return (opt, s.step, s.getLastLr, s.stateDict, s.loadStateDict)
            default:
                let s = makeLRScheduler(c.scheduler, c.args, opt)
                return (opt, { s.step() }, s.getLastLr, s.stateDict, s.loadStateDict)
            }
        }
        let straight = fresh()
        var expected: [[Double]] = []
        for _ in 0..<10 { straight.opt.step(); straight.step(); expected.append(straight.lastLr()) }

        for stop in [2, 5] {
            let first = fresh()
            for _ in 0..<stop { first.opt.step(); first.step() }
            let (optimizerState, schedulerState) = (first.opt.stateDict(), first.save())
            let resumed = fresh()
            #expect(throws: Never.self) { try resumed.opt.loadStateDict(optimizerState) }
            resumed.load(schedulerState)
            #expect(resumed.lastLr() == expected[stop - 1], "\(name) resumed at \(stop): get_last_lr")
            #expect(resumed.save() == schedulerState, "\(name) resumed at \(stop): state dict")
            var got = Array(expected.prefix(stop))
            for _ in stop..<10 { resumed.opt.step(); resumed.step(); got.append(resumed.lastLr()) }
            expectClose(got, expected, "\(name) resumed at \(stop)")
        }
    }

    /// SequentialLR's and ChainedScheduler's state dicts are PyTorch's: their own entries and the
    /// children's state dicts, in order, under `_schedulers`.
    @Test func nestedSchedulerStateDictsArePyTorchs() {
        let opt = SGD([ParamGroup([Tensor.zeros([1], requiresGrad: true)], lr: 0.1)])
        let sequential = SequentialLR(opt, schedulers: [ConstantLR(opt, factor: 0.5, totalIters: 2), ExponentialLR(opt, gamma: 0.9)],
                                      milestones: [2])
        sequential.step()
        let state = sequential.stateDict()
        #expect(Set(state.keys) == ["_milestones", "last_epoch", "_last_lr", "_schedulers"])
        #expect(state["_milestones"] == .ints([2]) && state["last_epoch"] == .double(1) && state["_last_lr"] == .doubles([0.05]))
        #expect(state["_schedulers"]?.states == sequential.schedulers.map { $0.stateDict() })
        #expect(state["_schedulers"]?.states[0]["last_epoch"] == .double(1))

        let chainedOpt = SGD([ParamGroup([Tensor.zeros([1], requiresGrad: true)], lr: 0.1)])
        let chained = ChainedScheduler([ConstantLR(chainedOpt, factor: 0.5, totalIters: 2), ExponentialLR(chainedOpt, gamma: 0.9)])
        let chainedState = chained.stateDict()
        #expect(Set(chainedState.keys) == ["_last_lr", "_schedulers"])
        #expect(chainedState["_schedulers"]?.states.count == 2)
        #expect(chainedState["_last_lr"] == .doubles(chained.getLastLr()))
    }

    @Test func plateauStateDictResumes() {
        func fresh() -> (SGD, ReduceLROnPlateau) {
            let opt = SGD([Tensor.zeros([1], requiresGrad: true)], lr: 0.1)
            return (opt, ReduceLROnPlateau(opt, factor: 0.5, patience: 1))
        }
        let metrics = [1.0, 0.9, 0.95, 0.96, 0.97, 0.8, 0.85, 0.9]
        let (o1, straight) = fresh()
        for m in metrics { o1.step(); straight.step(m) }
        let (o2, first) = fresh()
        for m in metrics.prefix(3) { o2.step(); first.step(m) }
        let (o3, resumed) = fresh()
        #expect(throws: Never.self) { try o3.loadStateDict(o2.stateDict()) }
        resumed.loadStateDict(first.stateDict())
        for m in metrics.dropFirst(3) { o3.step(); resumed.step(m) }
        #expect(resumed.getLastLr() == straight.getLastLr())
        #expect(resumed.best == straight.best && resumed.numBadEpochs == straight.numBadEpochs)
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
