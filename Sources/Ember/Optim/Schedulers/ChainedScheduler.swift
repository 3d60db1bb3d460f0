/// Several schedulers stepped together, each from the rates the one before it set. PyTorch:
/// `torch.optim.lr_scheduler.ChainedScheduler`.
public final class ChainedScheduler {
    public let schedulers: [LRScheduler]
    private var lastLr: [Double]

    /// PyTorch: `ChainedScheduler(schedulers)`.
    public init(_ schedulers: [LRScheduler]) {
        check(!schedulers.isEmpty, "ChainedScheduler expects at least one scheduler")
        for s in schedulers { check(s.optimizer === schedulers[0].optimizer, "ChainedScheduler expects all schedulers to belong to the same optimizer") }
        self.schedulers = schedulers
        lastLr = schedulers[0].optimizer.paramGroups.map(\.lr)
    }

    /// Steps every scheduler in order. PyTorch: `scheduler.step()`.
    public func step() {
        for s in schedulers { s.step() }
        lastLr = schedulers[0].optimizer.paramGroups.map(\.lr)
    }

    /// PyTorch: `scheduler.get_last_lr()`.
    public func getLastLr() -> [Double] { lastLr }

    /// `_last_lr` and, under `_schedulers`, each scheduler's state dict in order. PyTorch:
    /// `scheduler.state_dict()`.
    public func stateDict() -> [String: OptimizerValue] {
        ["_last_lr": .doubles(lastLr), "_schedulers": .states(schedulers.map { $0.stateDict() })]
    }

    /// Restores a `stateDict()`: its own entries, then each scheduler's. PyTorch:
    /// `scheduler.load_state_dict(state_dict)`.
    public func loadStateDict(_ state: [String: OptimizerValue]) {
        if let states = state["_schedulers"]?.states {
            check(states.count == schedulers.count,
                  "ChainedScheduler.load_state_dict: the state dict holds \(states.count) schedulers, this one chains \(schedulers.count)")
            for (s, st) in zip(schedulers, states) { s.loadStateDict(st) }
        }
        lastLr = state["_last_lr"]?.doubles ?? schedulers[0].optimizer.paramGroups.map(\.lr)
    }
}
