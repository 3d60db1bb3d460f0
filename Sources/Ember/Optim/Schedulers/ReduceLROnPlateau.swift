/// Multiplies the rates by `factor` once a metric has stopped improving for `patience` epochs.
/// PyTorch: `torch.optim.lr_scheduler.ReduceLROnPlateau`.
public final class ReduceLROnPlateau {
    /// Whether lower (`min`) or higher (`max`) metric values are better. PyTorch: `mode`.
    public enum Mode: Sendable { case min, max }
    /// Whether `threshold` is relative to the best value or absolute. PyTorch: `threshold_mode`.
    public enum ThresholdMode: Sendable { case rel, abs }

    /// The optimizer whose groups' `lr` this scheduler lowers.
    public let optimizer: Optimizer
    /// Whether lower or higher is better. PyTorch: `mode`.
    public let mode: Mode
    /// The factor the rates are multiplied by. PyTorch: `factor`.
    public let factor: Double
    /// Bad epochs tolerated before a reduction. PyTorch: `patience`.
    public let patience: Int
    /// The least change that counts as an improvement. PyTorch: `threshold`.
    public let threshold: Double
    /// PyTorch: `threshold_mode`.
    public let thresholdMode: ThresholdMode
    /// Epochs to wait after a reduction. PyTorch: `cooldown`.
    public let cooldown: Int
    /// Each group's lowest rate. PyTorch: `min_lrs`.
    public private(set) var minLrs: [Double]
    /// Reductions smaller than this are skipped. PyTorch: `eps`.
    public let eps: Double
    private let defaultMinLr: Double?

    /// The best metric so far. PyTorch: `best`.
    public private(set) var best: Double
    /// Epochs since the last improvement. PyTorch: `num_bad_epochs`.
    public private(set) var numBadEpochs = 0
    /// Epochs of cooldown left. PyTorch: `cooldown_counter`.
    public private(set) var cooldownCounter = 0
    /// PyTorch: `last_epoch`.
    public private(set) var lastEpoch = 0
    private var lastLr: [Double]

    /// PyTorch: `ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4,
    /// threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)`; `minLrs` gives one lowest rate per group
    /// and overrides `minLr`.
    public init(_ optimizer: Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLr: Double = 0, minLrs: [Double]? = nil, eps: Double = 1e-8) {
        check(factor < 1, "Factor should be < 1.0.")
        let groups = optimizer.paramGroups.count
        if let minLrs {
            check(minLrs.count == groups, "expected \(groups) min_lrs, got \(minLrs.count)")
        }
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLrs = minLrs ?? Array(repeating: minLr, count: groups)
        defaultMinLr = minLrs == nil ? minLr : nil
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
        lastLr = optimizer.paramGroups.map(\.lr)
    }

    private func isBetter(_ a: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): a < best * (1 - threshold)
        case (.min, .abs): a < best - threshold
        case (.max, .rel): a > best * (threshold + 1)
        case (.max, .abs): a > best + threshold
        }
    }

    /// Records one epoch's metric and lowers the rates when it has plateaued.
    /// PyTorch: `scheduler.step(metrics)`.
    public func step(_ metric: Double) {
        lastEpoch += 1
        if isBetter(metric) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0
        }
        if numBadEpochs > patience {
            reduceLr()
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
        lastLr = optimizer.paramGroups.map(\.lr)
    }

    private func reduceLr() {
        let groups = optimizer.paramGroups.count
        if minLrs.count != groups {
            guard let defaultMinLr else {
                fatalError("The number of param groups in the `optimizer` (\(groups)) differs from when `ReduceLROnPlateau` was initialized (\(minLrs.count)), usually due to a new param group being added to the optimizer. Please modify the `min_lrs` field to match the length of the `optimizer` param groups.")
            }
            minLrs = Array(repeating: defaultMinLr, count: groups)
        }
        for i in 0..<groups {
            let old = optimizer.paramGroups[i].lr
            let new = Swift.max(old * factor, minLrs[i])
            if old - new > eps { optimizer.paramGroups[i].lr = new }
        }
    }

    /// The rates after the latest step, one per group. PyTorch: `scheduler.get_last_lr()`.
    public func getLastLr() -> [Double] { lastLr }

    /// The counters resuming needs, under PyTorch's names. PyTorch: `scheduler.state_dict()`.
    public func stateDict() -> [String: OptimizerValue] {
        ["best": .double(best), "num_bad_epochs": .double(Double(numBadEpochs)),
         "cooldown_counter": .double(Double(cooldownCounter)), "last_epoch": .double(Double(lastEpoch)),
         "min_lrs": .doubles(minLrs), "_last_lr": .doubles(lastLr)]
    }

    /// Restores a `stateDict()`. PyTorch: `scheduler.load_state_dict(state_dict)`.
    public func loadStateDict(_ state: [String: OptimizerValue]) {
        if let v = state["best"] { best = v.double }
        if let v = state["num_bad_epochs"] { numBadEpochs = Int(v.double) }
        if let v = state["cooldown_counter"] { cooldownCounter = Int(v.double) }
        if let v = state["last_epoch"] { lastEpoch = Int(v.double) }
        if let v = state["min_lrs"] { minLrs = v.doubles }
        if let v = state["_last_lr"] { lastLr = v.doubles }
    }
}
