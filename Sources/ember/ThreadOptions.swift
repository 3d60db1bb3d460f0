import ArgumentParser
import Ember

/// `--threads`, shared by every subcommand that runs kernels.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Kernel threads.") var threads = 2

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    /// Sets the kernels' thread count. PyTorch: `torch.set_num_threads`.
    func apply() { setNumThreads(threads) }
}
