import Foundation
import Testing
@testable import Ember

/// The release-built `ember` command, run as a user runs it. `make test` builds it and passes its
/// path in `EMBER_BIN`; a bare `swift test` skips these tests.
let emberBinary = ProcessInfo.processInfo.environment["EMBER_BIN"]
let fashionRoot = FashionMNIST.defaultRoot

/// The output of one `ember` run.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `ember arguments` to completion.
func ember(_ arguments: [String]) throws -> Run {
    let process = try start(arguments)
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stdout: process.output, stderr: process.errors)
}

/// A running `ember` whose output goes to temporary files (a pipe nobody reads would block it).
final class EmberProcess {
    let process = Process()
    private let outPath = NSTemporaryDirectory() + "ember-cli-out-" + UUID().uuidString
    private var errPath: String { outPath + ".err" }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: emberBinary!)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }

    var isRunning: Bool { process.isRunning }
    var terminationStatus: Int32 { process.terminationStatus }
    func waitUntilExit() { process.waitUntilExit() }
    func interrupt() { process.interrupt() }
    var output: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
}

func start(_ arguments: [String], environment: [String: String] = [:]) throws -> EmberProcess {
    try EmberProcess(arguments, environment: environment)
}

func files(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

func metricsRows(_ dir: String) -> Int {
    guard let text = try? String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8) else { return 0 }
    return text.split(separator: "\n").count - 1
}

/// Runs `ember arguments` with `environment` added to this process's, stopping it after
/// `timeout` seconds; nil when it had to be stopped (a hang).
func ember(_ arguments: [String], environment: [String: String] = [:], timeout: Double) throws -> Run? {
    let process = try start(arguments, environment: environment)
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    guard !process.isRunning else {
        kill(process.process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return nil
    }
    return Run(status: process.terminationStatus, stdout: process.output, stderr: process.errors)
}

/// Open MPI's launcher, when installed (the bootstrap installs it).
let mpirunPath = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// A job of `ranks` processes of `executable arguments` started by mpirun (or the executable
/// alone without `ranks`), one kernel thread each unless `environment` says otherwise, its
/// stdout and stderr in one file.
final class MPIJob {
    let process = Process()
    let started = Date()
    private let logPath = NSTemporaryDirectory() + "ember-mpi-\(UUID().uuidString).log"
    /// Open MPI's session directory, this job's alone: jobs running at once under the shared
    /// `/tmp/ompi.HOST.UID` race (one ending removes it while another makes its own inside:
    /// "A call to mkdir was unable to create the desired directory", and the job fails).
    private let sessionPath = NSTemporaryDirectory() + "ember-mpi-\(UUID().uuidString)"

    init(ranks: Int?, _ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        FileManager.default.createFile(atPath: logPath, contents: nil)
        try FileManager.default.createDirectory(atPath: sessionPath, withIntermediateDirectories: true)
        if let ranks {
            process.executableURL = URL(fileURLWithPath: mpirunPath!)
            process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        var base = ProcessInfo.processInfo.environment
        // Under `make sanitize`: Open MPI's start-up allocations live until exit inside the
        // components it loads; kept loaded and unwound fully, LeakSanitizer can match them with
        // scripts/lsan.supp.
        base["OMPI_MCA_mca_base_component_disable_dlclose"] = "1"
        if let lsan = base["LSAN_OPTIONS"] { base["LSAN_OPTIONS"] = lsan + ":fast_unwind_on_malloc=0" }
        base["OMPI_MCA_orte_tmpdir_base"] = sessionPath
        // No Open MPI handler for a rank's crash signals: its backtrace printer calls malloc, and
        // after a heap corruption (seen once in a rank stopped by Ctrl-C) it deadlocked, with
        // mpirun waiting on that rank and ignoring SIGTERM: the suite hung instead of failing.
        base["OMPI_MCA_opal_signal"] = ""
        process.environment = base.merging(["OMP_NUM_THREADS": "1", "SWIFT_BACKTRACE": "enable=no"]) { $1 }.merging(environment) { $1 }
        // One handle for both streams, so that they share its offset.
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: logPath)
        try? FileManager.default.removeItem(atPath: sessionPath)
    }

    var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits for the job, stopping it after `timeout` seconds; its status, output and duration.
    func finish(timeout: Double = 300) -> (status: Int32, output: String, seconds: Double) {
        while process.isRunning && Date().timeIntervalSince(started) < timeout { usleep(20_000) }
        if process.isRunning { process.terminate() }
        let stopped = Date()
        while process.isRunning && Date().timeIntervalSince(stopped) < 10 { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, output, Date().timeIntervalSince(started))
    }
}
