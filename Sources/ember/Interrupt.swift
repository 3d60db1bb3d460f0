import Foundation
import Synchronization

/// Ctrl-C during training: the first SIGINT asks the loop to stop after the current step (the
/// last complete checkpoint stays as it is); a second one ends the process at once.
enum Interrupt {
    private static let requested = Atomic<Bool>(false)

    /// Starts catching SIGINT, unblocking it too (a parent may have spawned this process with
    /// SIGINT blocked).
    static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            Interrupt.requested.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Whether SIGINT has arrived since `install()`.
    static var wasRequested: Bool { requested.load(ordering: .relaxed) }
}
