import ArgumentParser
import Ember
import Foundation

/// Watches a run's loss for the first NaN or infinity. PyTorch trains on and prints `nan`; Ember
/// trains on too, but says once on stderr where the loss first stopped being finite, and with
/// `--stop-on-nan` stops there instead (a non-zero exit, the last good checkpoint kept).
///
/// In a distributed run every rank watches the loss any rank saw (so all stop at the same step)
/// and only the leader prints; the ranks then stop with a plain exit status, leaving the group
/// together.
struct LossWatch {
    let stopOnNaN: Bool
    /// The last checkpoint of this run (or the one it resumed from), which a stopped run leaves.
    var checkpoint: String?
    /// The run's team: its leader prints; several ranks stop together.
    let team: TrainingTeam
    private var warned = false

    init(stopOnNaN: Bool, checkpoint: String?, team: TrainingTeam = .alone) {
        self.stopOnNaN = stopOnNaN
        self.checkpoint = checkpoint
        self.team = team
    }

    /// Checks step `step` (from 1) of epoch `epoch`'s loss.
    mutating func check(_ loss: Double, epoch: Int, step: Int) throws {
        guard !loss.isFinite, !warned else { return }
        warned = true
        let place = "the loss became \(loss) at epoch \(epoch), step \(step)" + (team.isDistributed ? " (on some rank)" : "")
        guard stopOnNaN else {
            if team.isLeader {
                FileHandle.standardError.write(Data("\nwarning: \(place); training goes on (--stop-on-nan stops there)\n".utf8))
            }
            return
        }
        let kept = checkpoint.map { "the last good checkpoint is '\($0)'" } ?? "no checkpoint was written"
        let error = CommandError("stopped: \(place) (--stop-on-nan); \(kept)")
        guard team.isDistributed else { throw error }
        if team.isLeader { FileHandle.standardError.write(Data("\nError: \(error)\n".utf8)) }
        throw ExitCode.failure
    }

    /// What every training step ends with once its loss `value` is on the bar: this check, the
    /// time to the first step, and on Ctrl-C (`interrupted`: on any rank of a distributed run)
    /// the bar closed and the run stopped (the last epoch's `checkpoint` kept).
    mutating func endStep(_ value: Double, epoch: Int, step: Int, bar: ProgressBar, firstStep: inout Double?,
                          checkpoint: String, interrupted: Bool = Interrupt.wasRequested) throws {
        try check(value, epoch: epoch, step: step)
        if firstStep == nil { firstStep = RunInfo.secondsSinceStart() }
        if interrupted {
            bar.finish(summary: "interrupted")
            throw stopForInterrupt(lastEpoch: epoch - 1, checkpoint: checkpoint, quiet: !team.isLeader)
        }
    }
}
