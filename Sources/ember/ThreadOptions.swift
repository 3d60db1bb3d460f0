import ArgumentParser
import Foundation
import Ember

/// `--threads`, shared by every subcommand that runs kernels.
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Kernel threads (default: 2; in a distributed run, this machine's cores shared among its ranks; never more than the cores the process may use).")
    var threads: Int?

    func validate() throws {
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    /// Sets the kernels' thread count, at most one per core this process may run on (its
    /// affinity: mpirun binds ranks to cores): more only contend (1000 threads made a 3 s run
    /// take 26 s), so a larger `--threads` is capped with a warning. The default is 2, or for
    /// `ranks` processes on this machine its cores divided among them. PyTorch:
    /// `torch.set_num_threads`.
    func apply(ranksOnThisMachine ranks: Int = 1) {
        let machine = ProcessInfo.processInfo.activeProcessorCount
        let cores = Swift.min(Self.allowedCores() ?? machine, machine)
        if let threads, threads > cores {
            let place = cores < machine ? "the \(cores) cores this process may use" : "this machine's \(cores) cores"
            FileHandle.standardError.write(Data("warning: --threads \(threads) is more than \(place); using \(cores)\n".utf8))
        }
        let wanted = threads ?? (ranks > 1 ? Swift.max(1, machine / ranks) : 2)
        setNumThreads(Swift.min(wanted, cores))
    }

    /// The number of cores the process may run on (its affinity mask), when it can be read.
    private static func allowedCores() -> Int? {
        var mask = [UInt8](repeating: 0, count: 128)  // glibc's cpu_set_t: 1024 CPUs
        guard mask.withUnsafeMutableBytes({ schedGetAffinity(0, $0.count, $0.baseAddress!) }) == 0 else { return nil }
        let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
        return count > 0 ? count : nil
    }
}

/// glibc's `sched_getaffinity`, which Swift's Glibc module leaves out (it needs `_GNU_SOURCE`).
@_silgen_name("sched_getaffinity") private func schedGetAffinity(_ pid: Int32, _ size: Int, _ mask: UnsafeMutableRawPointer) -> Int32
