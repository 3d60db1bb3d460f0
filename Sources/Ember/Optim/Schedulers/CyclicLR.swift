import Foundation

/// Cycles each rate between `baseLr` and `maxLr` (and, against it, the momentum between
/// `maxMomentum` and `baseMomentum`), stepped per batch. PyTorch: `torch.optim.lr_scheduler.CyclicLR`.
public final class CyclicLR: LRScheduler {
    /// How each cycle's amplitude scales. PyTorch: `mode`.
    public enum Mode: String, Sendable {
        /// The same every cycle.
        case triangular
        /// Halved every cycle.
        case triangular2
        /// `gamma^iteration`.
        case expRange = "exp_range"
    }

    public let maxLrs: [Double]
    public let mode: Mode
    public let gamma: Double
    private let totalSize: Double, stepRatio: Double
    private let momenta: (base: [Double], max: [Double])?
    private let useBeta1: Bool

    /// PyTorch: `CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
    /// mode='triangular', gamma=1.0, cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)`;
    /// one value serves every group.
    public init(_ optimizer: Optimizer, baseLr: [Double], maxLr: [Double], stepSizeUp: Int = 2000, stepSizeDown: Int? = nil,
                mode: Mode = .triangular, gamma: Double = 1, cycleMomentum: Bool = true,
                baseMomentum: [Double] = [0.8], maxMomentum: [Double] = [0.9]) {
        let groups = optimizer.paramGroups.count
        func perGroup(_ v: [Double], _ name: String) -> [Double] {
            check(v.count == 1 || v.count == groups, "expected \(groups) values for \(name), got \(v.count)")
            return v.count == 1 ? Array(repeating: v[0], count: groups) : v
        }
        let bases = perGroup(baseLr, "base_lr")
        for i in 0..<groups { optimizer.paramGroups[i].lr = bases[i] }
        maxLrs = perGroup(maxLr, "max_lr")
        let up = Double(stepSizeUp), down = Double(stepSizeDown ?? stepSizeUp)
        totalSize = up + down
        stepRatio = up / totalSize
        self.mode = mode
        self.gamma = gamma
        useBeta1 = optimizer.defaults["betas"] != nil
        if cycleMomentum {
            check(optimizer.defaults["momentum"] != nil || useBeta1,
                  "optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            let (b, m) = (perGroup(baseMomentum, "base_momentum"), perGroup(maxMomentum, "max_momentum"))
            momenta = (b, m)
            for i in 0..<groups { CyclicLR.setMomentum(optimizer, i, m[i], beta1: useBeta1) }
        } else {
            momenta = nil
        }
        super.init(optimizer)
        baseLrs = bases
    }

    private static func setMomentum(_ optimizer: Optimizer, _ i: Int, _ value: Double, beta1: Bool) {
        if beta1 {
            var betas = optimizer.paramGroups[i]["betas"]!.doubles
            betas[0] = value
            optimizer.paramGroups[i]["betas"] = .doubles(betas)
        } else {
            optimizer.paramGroups[i]["momentum"] = .double(value)
        }
    }

    private func scale(_ x: Double) -> Double {
        switch mode {
        case .triangular: 1
        case .triangular2: 1 / Foundation.pow(2, x - 1)
        case .expRange: Foundation.pow(gamma, x)
        }
    }

    override func getLr() -> [Double] {
        let e = Double(lastEpoch)
        let cycle = (1 + e / totalSize).rounded(.down), x = 1 + e / totalSize - cycle
        let factor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1)
        // triangular modes scale per cycle, exp_range per iteration.
        let scaled = scale(mode == .expRange ? e : cycle)
        if let momenta {
            for i in baseLrs.indices {
                let height = (momenta.max[i] - momenta.base[i]) * factor
                CyclicLR.setMomentum(optimizer, i, momenta.max[i] - height * scaled, beta1: useBeta1)
            }
        }
        return zip(baseLrs, maxLrs).map { base, top in base + (top - base) * factor * scaled }
    }
}
