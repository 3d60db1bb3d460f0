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
    public let baseLrs: [Double]
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

    /// The groups' current rates.
    var currentLrs: [Double] { optimizer.paramGroups.map(\.lr) }

    /// Advances one epoch and sets the groups' rates. Call it after `optimizer.step()`.
    /// PyTorch: `scheduler.step()`.
    public func step() {
        lastEpoch += 1
        for (i, lr) in getLr().enumerated() { optimizer.paramGroups[i].lr = lr }
        lastLr = currentLrs
    }

    /// The rates set by the latest step, one per group. PyTorch: `scheduler.get_last_lr()`.
    public func getLastLr() -> [Double] { lastLr }
}
