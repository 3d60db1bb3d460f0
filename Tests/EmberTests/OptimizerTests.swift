import Foundation
import Testing
@testable import Ember

// Optimizer trajectories, final state and gradient clipping against PyTorch, from
// `Tests/Fixtures/optim.json` (regenerate with `/work/torchenv/bin/python scripts/fixtures/optim.py`;
// its docstring describes the layout). Tolerances are Fixtures.swift's (float32 rtol 1e-5, float64 1e-10):
// PyTorch's vectorized kernels fuse some multiply-adds, so float results agree to rounding, not bits.

struct OptimFixtures: Sendable, Decodable {
    struct Problem: Sendable, Decodable { let W, b, X, Y: FixtureTensor }
    struct OptimizerCase: Sendable, Decodable {
        let optimizer: String
        let dtype: String
        let kwargs: [String: JSONValue]
        let groups: [[String: JSONValue]]
        let trajectory: [[FixtureTensor]]
        let state: [String: [String: FixtureTensor]]
    }
    struct SchedulerCase: Sendable, Decodable {
        let scheduler: String
        let optimizer: String
        let args: [String: JSONValue]
        let lrs: [[Double]]
        let metrics: [Double]?
        let momenta: [[Double]]?
    }
    struct ClipCase: Sendable, Decodable {
        let fn: String
        let args: [String: JSONValue]
        let grads: [FixtureTensor]
        let clipped: [FixtureTensor]
        let total_norm: FixtureTensor?
    }
    let torch: String
    let problem: [String: Problem]
    let optimizers: [String: OptimizerCase]
    let schedulers: [String: SchedulerCase]
    let clip: [String: ClipCase]
    let repr: [String: String]
}

let optimFixtures: OptimFixtures = loadFixtures("optim.json")

/// A JSON option as the optimizer option PyTorch's name maps to.
func optimizerValue(_ v: JSONValue) -> OptimizerValue {
    switch v {
    case .bool(let b): .bool(b)
    case .array(let a): .doubles(a.map(\.double))
    default: .double(v.double)
    }
}

/// The fixture's optimizer over `params`, with its groups and keyword arguments.
func makeOptimizer(_ c: OptimFixtures.OptimizerCase, _ params: [Tensor]) -> Optimizer {
    let groups = c.groups.map { g in
        ParamGroup(g["params"]!.ints.map { params[$0] }, options: g.filter { $0.key != "params" }.mapValues(optimizerValue))
    }
    let k = c.kwargs
    func d(_ key: String, _ fallback: Double) -> Double { k[key]?.double ?? fallback }
    func flag(_ key: String) -> Bool { k[key]?.bool ?? false }
    let betas = k["betas"]?.array.map(\.double) ?? [0.9, 0.999]
    switch c.optimizer {
    case "SGD":
        return SGD(groups, lr: d("lr", 1e-3), momentum: d("momentum", 0), dampening: d("dampening", 0),
                   weightDecay: d("weight_decay", 0), nesterov: flag("nesterov"))
    case "Adam":
        return Adam(groups, lr: d("lr", 1e-3), betas: (betas[0], betas[1]), eps: d("eps", 1e-8),
                    weightDecay: d("weight_decay", 0), amsgrad: flag("amsgrad"))
    case "AdamW":
        return AdamW(groups, lr: d("lr", 1e-3), betas: (betas[0], betas[1]), eps: d("eps", 1e-8),
                     weightDecay: d("weight_decay", 1e-2), amsgrad: flag("amsgrad"))
    case "RMSprop":
        return RMSprop(groups, lr: d("lr", 1e-2), alpha: d("alpha", 0.99), eps: d("eps", 1e-8),
                       weightDecay: d("weight_decay", 0), momentum: d("momentum", 0), centered: flag("centered"))
    case "Adagrad":
        return Adagrad(groups, lr: d("lr", 1e-2), lrDecay: d("lr_decay", 0), weightDecay: d("weight_decay", 0),
                       initialAccumulatorValue: d("initial_accumulator_value", 0), eps: d("eps", 1e-10))
    case "Adadelta":
        return Adadelta(groups, lr: d("lr", 1), rho: d("rho", 0.9), eps: d("eps", 1e-6), weightDecay: d("weight_decay", 0))
    case "Adamax":
        return Adamax(groups, lr: d("lr", 2e-3), betas: (betas[0], betas[1]), eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0))
    case "NAdam":
        return NAdam(groups, lr: d("lr", 2e-3), betas: (betas[0], betas[1]), eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0),
                     momentumDecay: d("momentum_decay", 4e-3), decoupledWeightDecay: flag("decoupled_weight_decay"))
    case "RAdam":
        return RAdam(groups, lr: d("lr", 1e-3), betas: (betas[0], betas[1]), eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0),
                     decoupledWeightDecay: flag("decoupled_weight_decay"))
    case "ASGD":
        return ASGD(groups, lr: d("lr", 1e-2), lambd: d("lambd", 1e-4), alpha: d("alpha", 0.75), t0: d("t0", 1e6),
                    weightDecay: d("weight_decay", 0))
    case "Rprop":
        let etas = k["etas"]?.array.map(\.double) ?? [0.5, 1.2], sizes = k["step_sizes"]?.array.map(\.double) ?? [1e-6, 50]
        return Rprop(groups, lr: d("lr", 1e-2), etas: (etas[0], etas[1]), stepSizes: (sizes[0], sizes[1]))
    case "LBFGS":
        return LBFGS(groups[0].params, lr: d("lr", 1), maxIter: k["max_iter"]?.int ?? 20, historySize: k["history_size"]?.int ?? 100,
                     lineSearchFn: k["line_search_fn"]?.string)
    default:
        fatalError("unknown optimizer \(c.optimizer)")
    }
}

/// The fixture problem's parameters W and b (requiring grad) and its loss `sum((X Wᵀ + b - Y)²)`.
func optimProblem(_ dtype: String) -> (params: [Tensor], loss: () -> Tensor) {
    let p = optimFixtures.problem[dtype]!
    let w = p.W.make().requiresGrad_(), b = p.b.make().requiresGrad_()
    let x = p.X.make(), y = p.Y.make()
    return ([w, b], { ((x.matmul(w.t()) + b - y) ** 2).sum() })
}

/// Runs `steps` optimizer steps on the problem's loss.
func train(_ opt: Optimizer, _ loss: () -> Tensor, steps: Int, after: (Int) -> Void = { _ in }) {
    for k in 0..<steps {
        opt.zeroGrad()
        loss().backward()
        opt.step()
        after(k)
    }
}

@Suite struct OptimizerTests {
    @Test(arguments: optimFixtures.optimizers.keys.sorted())
    func trajectoryMatchesPyTorch(_ name: String) {
        let c = optimFixtures.optimizers[name]!
        let (params, loss) = optimProblem(c.dtype)
        let opt = makeOptimizer(c, params)
        // L-BFGS in float32 near convergence: its curvature history amplifies the rounding of
        // the dot products (summed in another order than BLAS's sdot): 3e-4 by the third step here.
        let loose = c.optimizer == "LBFGS"
        let tolerance = { (dtype: DType) -> Double? in loose && dtype == .float32 ? 1e-3 : relativeTolerance(dtype) }
        let expect = { (k: Int) in
            expectMatches(params[0], c.trajectory[k][0], "\(name) step \(k + 1) W", tolerance: tolerance)
            expectMatches(params[1], c.trajectory[k][1], "\(name) step \(k + 1) b", tolerance: tolerance)
        }
        if c.optimizer == "LBFGS" {
            for k in c.trajectory.indices {
                opt.step { opt.zeroGrad(); let l = loss(); l.backward(); return l }
                expect(k)
            }
        } else {
            train(opt, loss, steps: c.trajectory.count, after: expect)
        }
        let state = opt.stateDict().state
        for (i, expected) in c.state {
            let got = state[Int(i)!] ?? [:]
            #expect(Set(got.keys) == Set(expected.keys), "\(name) state[\(i)] keys")
            for (key, t) in expected {
                if let g = got[key] { expectMatches(g, t, "\(name) state[\(i)][\(key)]") }
            }
        }
    }

    /// `print(optimizer)` gives PyTorch's text.
    @Test func printsLikePyTorch() {
        func params() -> [Tensor] { [Tensor.zeros(2, requiresGrad: true), Tensor.zeros(1, requiresGrad: true)] }
        let made: [String: Optimizer] = [
            "sgd_momentum": SGD(params(), lr: 0.1, momentum: 0.9),
            "adam_two_groups": { let p = params(); return Adam([ParamGroup([p[0]]), ParamGroup([p[1]], lr: 0.5)]) }(),
            "adamw": AdamW(params()), "adagrad": Adagrad(params()), "rmsprop": RMSprop(params()),
            "adadelta": Adadelta(params()), "nadam": NAdam(params()), "asgd": ASGD(params()), "rprop": Rprop(params()),
            "adamax": Adamax(params()), "radam": RAdam(params()),
            "radam_decoupled": RAdam([ParamGroup(params())], lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true),
            "lbfgs": LBFGS(params()), "lbfgs_strong_wolfe": LBFGS(params(), lr: 0.5, historySize: 5, lineSearchFn: "strong_wolfe"),
        ]
        #expect(Set(made.keys) == Set(optimFixtures.repr.keys))
        for (name, opt) in made { #expect(opt.description == optimFixtures.repr[name], "\(name)") }
    }

    @Test(arguments: ["sgd_nesterov_wd_float32", "adam_amsgrad_wd_float32", "adamw_amsgrad_groups_float64",
                      "rmsprop_centered_momentum_wd_float32", "adagrad_decay_wd_float64"])
    func stateDictResumesBitIdentically(_ name: String) {
        let c = optimFixtures.optimizers[name]!
        let (straight, straightLoss) = optimProblem(c.dtype)
        train(makeOptimizer(c, straight), straightLoss, steps: 10)

        let (first, firstLoss) = optimProblem(c.dtype)
        let before = makeOptimizer(c, first)
        train(before, firstLoss, steps: 4)
        let saved = before.stateDict()
        let checkpoint = first.map { $0.detach().clone() }
        train(before, firstLoss, steps: 3)  // later steps must not reach into the saved copy

        let (resumed, resumedLoss) = optimProblem(c.dtype)
        noGrad { for (r, p) in zip(resumed, checkpoint) { _ = r.copy_(p) } }
        let after = makeOptimizer(c, resumed)
        after.paramGroups[0].lr = 123
        #expect(throws: Never.self) { try after.loadStateDict(saved) }
        #expect(after.paramGroups[0]["lr"] == saved.paramGroups[0]["lr"])
        train(after, resumedLoss, steps: 6)
        for (a, b) in zip(resumed, straight) { #expect(a.toDoubles() == b.toDoubles(), "\(name)") }
    }

    @Test func loadStateDictRejectsMismatchesAndKeepsState() {
        let a = Tensor.zeros([2], requiresGrad: true), b = Tensor.zeros([3], requiresGrad: true)
        let opt = Adam([a], lr: 0.5)
        #expect(throws: OptimizerStateError.groupCountMismatch(expected: 1, got: 2)) {
            try opt.loadStateDict(Adam([ParamGroup([a]), ParamGroup([b])]).stateDict())
        }
        #expect(throws: OptimizerStateError.groupSizeMismatch(group: 0, expected: 1, got: 2)) {
            try opt.loadStateDict(Adam([a, b]).stateDict())
        }
        b.grad = Tensor.ones([3])
        let other = Adam([b])
        other.step()
        #expect(throws: OptimizerStateError.shapeMismatch(index: 0, key: "exp_avg", expected: [2], got: [3])) {
            try opt.loadStateDict(other.stateDict())
        }
        #expect(opt.paramGroups[0].lr == 0.5)
        #expect(opt.stateDict().state.isEmpty)
    }

    @Test func stateDictLayoutFollowsPyTorch() {
        let a = Tensor.zeros([2], requiresGrad: true), b = Tensor.zeros([3], requiresGrad: true)
        a.grad = Tensor.ones([2])
        let opt = SGD([ParamGroup([a]), ParamGroup([b], lr: 0.5)], lr: 0.1, momentum: 0.9)
        opt.step()
        let s = opt.stateDict()
        #expect(s.paramGroups[0]["params"] == .ints([0]))
        #expect(s.paramGroups[1]["params"] == .ints([1]))
        #expect(s.paramGroups[1]["lr"] == .double(0.5))
        #expect(s.paramGroups[0]["nesterov"] == .bool(false))
        #expect(Array(s.state.keys) == [0])
        #expect(s.state[0]?["momentum_buffer"]?.toDoubles() == [1, 1])
    }

    @Test func stepBumpsVersionAndZeroGradClears() {
        let w = Tensor([1.0, 2.0], requiresGrad: true)
        w.grad = Tensor([0.5, 0.5])
        let opt = SGD([w], lr: 1)
        let v = w.version
        opt.step()
        #expect(w.version == v + 1)
        #expect(w.toDoubles() == [0.5, 1.5])
        #expect(!w.requiresGrad || w.gradFn == nil)
        opt.zeroGrad(setToNone: false)
        #expect(w.grad?.toDoubles() == [0, 0])
        opt.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test func nonContiguousParameterIsUpdatedInPlace() {
        let base = Tensor([[1.0, 2.0], [3.0, 4.0]])
        let w = base.t().contiguous().t().detach().requiresGrad_()
        w.grad = Tensor.ones([2, 2])
        SGD([w], lr: 0.5).step()
        #expect(w.toDoubles() == [0.5, 1.5, 2.5, 3.5])
    }

    /// The SIMD body, the scalar tail and the threaded split must round alike: equal inputs give
    /// equal outputs at every position.
    @Test(arguments: [DType.float32, .float64], [37, 40_003])
    func vectorBodyAndTailAgree(_ dtype: DType, _ n: Int) {
        let w = Tensor.full([n], 0.5, dtype: dtype, requiresGrad: true)
        let opt = Adam([w], lr: 0.1, weightDecay: 0.01, amsgrad: true)
        for k in 0..<3 {
            w.grad = Tensor.full([n], 0.25 - 0.2 * Double(k), dtype: dtype)
            opt.step()
        }
        let values = w.toDoubles()
        #expect(Set(values).count == 1, "\(dtype) n=\(n): \(Set(values))")
    }

    /// Optimizer state that would be subnormal is stored as zero, in the vector body (the first 16
    /// elements) and the scalar tail alike, on the threads' split too; normal state is untouched.
    @Test(arguments: [DType.float32, .float64])
    func subnormalStateIsFlushedToZero(_ dtype: DType) {
        let n = 40_003, tiny = dtype == .float32 ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
        let w = Tensor.ones([n], dtype: dtype, requiresGrad: true)
        let opt = Adam([w], lr: 0.1)
        // exp_avg = (1 - beta1) * grad: a tenth of the smallest normal magnitude for all but the last element.
        w.grad = Tensor.cat([Tensor.full([n - 1], tiny, dtype: dtype), Tensor.ones([1], dtype: dtype)])
        opt.step()
        let m = opt.stateDict().state[0]!["exp_avg"]!.toDoubles()
        #expect(m.dropLast().allSatisfy { $0 == 0 })
        #expect(abs(m.last! - 0.1) < 1e-6)
        let momentum = Tensor.ones([n], dtype: dtype, requiresGrad: true)
        let sgd = SGD([momentum], lr: 0.1, momentum: 0.5)
        momentum.grad = Tensor.full([n], tiny, dtype: dtype)
        sgd.step()
        momentum.grad = Tensor.zeros([n], dtype: dtype)
        sgd.step()
        #expect(sgd.stateDict().state[0]!["momentum_buffer"]!.toDoubles().allSatisfy { $0 == 0 })
    }

    @Test(arguments: optimFixtures.clip.keys.sorted())
    func clippingMatchesPyTorch(_ name: String) {
        let c = optimFixtures.clip[name]!
        let params = c.grads.map { g in
            let p = Tensor.zeros(g.shape, dtype: g.emberDType, requiresGrad: true)
            p.grad = g.make()
            return p
        }
        if c.fn == "clip_grad_norm_" {
            let normType = c.args["norm_type"].map { $0.double } ?? 2
            let total = clipGradNorm_(params, maxNorm: c.args["max_norm"]!.double, normType: normType)
            expectMatches(total, c.total_norm!, "\(name) total norm")
        } else {
            clipGradValue_(params, clipValue: c.args["clip_value"]!.double)
        }
        for (k, (p, e)) in zip(params, c.clipped).enumerated() { expectMatches(p.grad!, e, "\(name) grad \(k)") }
    }

    @Test func negativeLearningRate() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD([Tensor.zeros([2], requiresGrad: true)], lr: -0.1)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Invalid learning rate: -0.1"))
        }
    }

    @Test func invalidBeta() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam([Tensor.zeros([2], requiresGrad: true)], betas: (1.0, 0.999))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Invalid beta parameter at index 0: 1.0"))
        }
    }
}
