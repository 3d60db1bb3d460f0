/// Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` restarted at epoch 0, and so
/// on. PyTorch: `torch.optim.lr_scheduler.SequentialLR`.
public final class SequentialLR {
    public let schedulers: [LRScheduler]
    public private(set) var milestones: [Int]
    /// PyTorch: `last_epoch`.
    public private(set) var lastEpoch: Int
    private var lastLr: [Double]

    /// PyTorch: `SequentialLR(optimizer, schedulers, milestones)`.
    public init(_ optimizer: Optimizer, schedulers: [LRScheduler], milestones: [Int]) {
        check(!schedulers.isEmpty, "SequentialLR expects at least one scheduler")
        check(milestones.count == schedulers.count - 1,
              "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers \(schedulers.count) and the number of milestones to be equal to \(milestones.count)")
        for s in schedulers { check(s.optimizer === optimizer, "Sequential Schedulers expects all schedulers to belong to the same optimizer") }
        self.schedulers = schedulers
        self.milestones = milestones
        lastEpoch = 0
        // Back to the initial rates, the other schedulers' creation steps undone, and the first
        // scheduler's creation step taken again.
        for i in optimizer.paramGroups.indices { optimizer.paramGroups[i].lr = optimizer.paramGroups[i].double("initial_lr") }
        schedulers[0].step(epoch: 0)
        lastLr = schedulers[0].getLastLr()
    }

    /// Advances one epoch on the scheduler whose span it is in. PyTorch: `scheduler.step()`.
    public func step() {
        lastEpoch += 1
        let index = milestones.filter { $0 <= lastEpoch }.count
        let scheduler = schedulers[index]
        if index > 0 && milestones[index - 1] == lastEpoch { scheduler.step(epoch: 0) } else { scheduler.step() }
        lastLr = scheduler.getLastLr()
    }

    /// PyTorch: `scheduler.get_last_lr()`.
    public func getLastLr() -> [Double] { lastLr }

    /// `_milestones`, `last_epoch`, `_last_lr` and, under `_schedulers`, each scheduler's state
    /// dict in order. PyTorch: `scheduler.state_dict()`.
    public func stateDict() -> [String: OptimizerValue] {
        ["_milestones": .ints(milestones), "last_epoch": .double(Double(lastEpoch)), "_last_lr": .doubles(lastLr),
         "_schedulers": .states(schedulers.map { $0.stateDict() })]
    }

    /// Restores a `stateDict()`: its own entries, then each scheduler's. PyTorch:
    /// `scheduler.load_state_dict(state_dict)`.
    public func loadStateDict(_ state: [String: OptimizerValue]) {
        if let m = state["_milestones"]?.ints {
            check(m.count == milestones.count,
                  "SequentialLR.load_state_dict: the state dict has \(m.count) milestones, this scheduler \(milestones.count)")
            milestones = m
        }
        if let e = state["last_epoch"] { lastEpoch = Int(e.double) }
        if let states = state["_schedulers"]?.states {
            check(states.count == schedulers.count,
                  "SequentialLR.load_state_dict: the state dict holds \(states.count) schedulers, this one runs \(schedulers.count)")
            for (s, st) in zip(schedulers, states) { s.loadStateDict(st) }
        }
        lastLr = state["_last_lr"]?.doubles ?? schedulers[milestones.filter { $0 <= lastEpoch }.count].getLastLr()
    }
}
