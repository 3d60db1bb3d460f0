import ArgumentParser
import Foundation
import Ember

/// `--threads`, shared by every subcommand that runs kernels.
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Kernel threads.") var threads = 2

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    /// Sets the kernels' thread count, at most one per core: more only contend (1000 threads
    /// made a 3 s run take 26 s), so a larger request is capped with a warning. PyTorch:
    /// `torch.set_num_threads`.
    func apply() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if threads > cores {
            FileHandle.standardError.write(Data("warning: --threads \(threads) is more than this machine's \(cores) cores; using \(cores)\n".utf8))
        }
        setNumThreads(Swift.min(threads, cores))
    }
}
