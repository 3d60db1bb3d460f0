import Foundation

/// Multiplies the rates by `gamma` every `stepSize` epochs. PyTorch: `torch.optim.lr_scheduler.StepLR`.
public final class StepLR: LRScheduler {
    /// Epochs between decays. PyTorch: `step_size`.
    public let stepSize: Int
    /// The decay factor. PyTorch: `gamma`.
    public let gamma: Double

    /// PyTorch: `StepLR(optimizer, step_size, gamma=0.1)`.
    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1) {
        check(stepSize > 0, "step_size must be a positive integer, got \(stepSize)")
        self.stepSize = stepSize
        self.gamma = gamma
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        if lastEpoch == 0 || lastEpoch % stepSize != 0 { return currentLrs }
        return currentLrs.map { $0 * gamma }
    }

    override func closedFormLr() -> [Double]? {
        baseLrs.map { $0 * Foundation.pow(gamma, Double(lastEpoch / stepSize)) }
    }
}

/// Multiplies the rates by `gamma` at each milestone epoch (by `gamma^k` at a milestone listed
/// `k` times). PyTorch: `torch.optim.lr_scheduler.MultiStepLR`.
public final class MultiStepLR: LRScheduler {
    /// How many times each milestone epoch is listed. PyTorch: `milestones` (a `Counter`).
    public let milestones: [Int: Int]
    /// The decay factor. PyTorch: `gamma`.
    public let gamma: Double

    /// PyTorch: `MultiStepLR(optimizer, milestones, gamma=0.1)`.
    public init(_ optimizer: Optimizer, milestones: [Int], gamma: Double = 0.1) {
        self.milestones = milestones.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        self.gamma = gamma
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        guard let k = milestones[lastEpoch] else { return currentLrs }
        return currentLrs.map { $0 * Foundation.pow(gamma, Double(k)) }
    }

    override func closedFormLr() -> [Double]? {
        let passed = milestones.filter { $0.key <= lastEpoch }.values.reduce(0, +)
        return baseLrs.map { $0 * Foundation.pow(gamma, Double(passed)) }
    }
}

/// Multiplies the rates by `gamma` every epoch. PyTorch: `torch.optim.lr_scheduler.ExponentialLR`.
public final class ExponentialLR: LRScheduler {
    /// The decay factor. PyTorch: `gamma`.
    public let gamma: Double

    /// PyTorch: `ExponentialLR(optimizer, gamma)`.
    public init(_ optimizer: Optimizer, gamma: Double) {
        self.gamma = gamma
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        isInitial ? currentLrs : currentLrs.map { $0 * gamma }
    }

    override func closedFormLr() -> [Double]? { baseLrs.map { $0 * Foundation.pow(gamma, Double(lastEpoch)) } }
}
