/// Base of the epoch-driven learning-rate schedulers. PyTorch: `torch.optim.lr_scheduler.LRScheduler`.
///
/// Creating a scheduler records each group's `initial_lr` (unless already there) and takes the
/// first step to epoch 0; each `step()` advances one epoch and writes the new rates into the
/// optimizer's groups. Subclasses compute the rates with PyTorch's recursive ("chainable") forms,
/// so the values round as PyTorch's do.
public class LRScheduler {
    /// The optimizer whose groups' `lr` this scheduler sets.
    public let optimizer: Optimizer
    /// The epoch of the current rates; 0 after creation. PyTorch: `scheduler.last_epoch`.
    public private(set) var lastEpoch = -1
    /// Each group's `initial_lr`. PyTorch: `scheduler.base_lrs`.
    public internal(set) var baseLrs: [Double]
    /// Whether the current `step()` is the one taken at creation.
    private(set) var isInitial = true
    private var lastLr: [Double] = []

    init(_ optimizer: Optimizer) {
        self.optimizer = optimizer
        for i in optimizer.paramGroups.indices where optimizer.paramGroups[i]["initial_lr"] == nil {
            optimizer.paramGroups[i]["initial_lr"] = .double(optimizer.paramGroups[i].lr)
        }
        baseLrs = optimizer.paramGroups.map { $0.double("initial_lr") }
        step()
        isInitial = false
    }

    /// The rates for `lastEpoch`, one per group; each scheduler overrides it.
    func getLr() -> [Double] {
        fatalError("\(type(of: self)) does not implement getLr")
    }

    /// The rates at `lastEpoch` computed from `baseLrs` alone, for schedulers that have such a
    /// form (PyTorch's `_get_closed_form_lr`); nil for the others.
    func closedFormLr() -> [Double]? { nil }

    /// The groups' current rates.
    var currentLrs: [Double] { optimizer.paramGroups.map(\.lr) }

    /// Advances one epoch and sets the groups' rates. Call it after `optimizer.step()`.
    /// PyTorch: `scheduler.step()`.
    public func step() {
        lastEpoch += 1
        setLrs(getLr())
    }

    /// Jumps to `epoch` and sets the rates of that epoch: the closed form where the scheduler has
    /// one, else its recursive step. PyTorch: `scheduler.step(epoch)` (what `SequentialLR` calls
    /// with 0 at a milestone).
    public func step(epoch: Int) {
        lastEpoch = epoch
        setLrs(closedFormLr() ?? getLr())
    }

    private func setLrs(_ lrs: [Double]) {
        for (i, lr) in lrs.enumerated() { optimizer.paramGroups[i].lr = lr }
        lastLr = currentLrs
    }

    /// The rates set by the latest step, one per group. PyTorch: `scheduler.get_last_lr()`.
    public func getLastLr() -> [Double] { lastLr }

    /// What resuming needs: `last_epoch`, `base_lrs`, `_last_lr` and the scheduler's own counters,
    /// under PyTorch's names. PyTorch: `scheduler.state_dict()` (whose other entries are the
    /// constructor's arguments, which a resumed scheduler is built with again).
    public func stateDict() -> [String: OptimizerValue] {
        var state = extraState
        state["last_epoch"] = .double(Double(lastEpoch))
        state["base_lrs"] = .doubles(baseLrs)
        state["_last_lr"] = .doubles(lastLr)
        return state
    }

    /// Restores a `stateDict()`; the optimizer's rates are not touched (they come back with the
    /// optimizer's own state dict). PyTorch: `scheduler.load_state_dict(state_dict)`.
    public func loadStateDict(_ state: [String: OptimizerValue]) {
        if let e = state["last_epoch"] { lastEpoch = Int(e.double) }
        if let b = state["base_lrs"] { baseLrs = b.doubles }
        if let l = state["_last_lr"] { lastLr = l.doubles }
        loadExtraState(state)
    }

    /// A scheduler's own counters for `stateDict()` (`T_cur` of warm restarts…); none by default.
    var extraState: [String: OptimizerValue] { [:] }
    /// Restores `extraState`.
    func loadExtraState(_ state: [String: OptimizerValue]) {}
}
