import Foundation
import Synchronization

/// Ctrl-C during training: the first SIGINT asks the loop to stop after the current step (the
/// last complete checkpoint stays as it is); a second one ends the process at once.
enum Interrupt {
    private static let requested = Atomic<Bool>(false)

    /// Starts catching SIGINT; call it before the process starts any other thread. SIGINT is
    /// blocked in the calling thread, so in every thread started from it, and taken by a thread
    /// of its own (`sigwait`), so that no handler runs on a thread that computes. (With a handler,
    /// which only stored this flag, about one Ctrl-C in ten corrupted the heap mid-step, a run
    /// with one thread and glibc's malloc checks on: `ember train mlp`, and rank 1 of the
    /// distributed test. A handler runs on the interrupted thread's stack, below its stack
    /// pointer; with the signal taken by its own thread, 0 in 80 such runs.) The handler stays
    /// for a thread that started earlier with SIGINT unblocked, if any.
    static func install() {
        _ = wasRequested  // the flag made before anything can set it
        signal(SIGINT) { _ in
            Interrupt.requested.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        let thread = Thread {
            var set = blocked, received: Int32 = 0
            sigwait(&set, &received)
            Interrupt.requested.store(true, ordering: .relaxed)
            sigwait(&set, &received)
            // The second: SIGINT's own action, which ends the process.
            signal(SIGINT, SIG_DFL)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(SIGINT)
        }
        thread.name = "ember-sigint"
        thread.start()
    }

    /// Whether SIGINT has arrived since `install()`.
    static var wasRequested: Bool { requested.load(ordering: .relaxed) }
}
