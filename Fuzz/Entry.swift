import Foundation

// Two builds of one harness. `make fuzz` builds it with libFuzzer and AddressSanitizer
// (`-sanitize=fuzzer,address`, `-D EMBER_LIBFUZZER`): libFuzzer's `main` calls the two functions
// below, the target named by `EMBER_FUZZ_TARGET`. The plain build (`swift build`) is a command
// that writes the seed corpora and replays inputs, which is how a crash found by fuzzing is
// reproduced under a debugger; the test suite replays the seeds and every saved crash input.

/// libFuzzer's set-up call: picks the target; with `EMBER_FUZZ_SEEDS=DIR`, writes every target's
/// seeds under `DIR/<target>/` and exits.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    if let dir = environment["EMBER_FUZZ_SEEDS"] {
        writeSeeds(to: dir)
        exit(0)
    }
    guard let name = environment["EMBER_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        fail("set EMBER_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    Harness.target = target
    return 0
}

/// libFuzzer's per-input call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = Harness.target!.run(bytes, in: Harness.freshDirectory())
    return 0
}

/// The fuzzing process's target and scratch directory.
enum Harness {
    nonisolated(unsafe) static var target: FuzzTarget?
    static let directory = NSTemporaryDirectory() + "ember-fuzz-\(getpid())"

    /// `directory`, emptied.
    static func freshDirectory() -> String {
        try? FileManager.default.removeItem(atPath: directory)
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}

/// Writes each target's seeds into `dir/<target>/<seed name>`.
func writeSeeds(to dir: String) {
    for target in FuzzTarget.allCases {
        let folder = dir + "/" + target.rawValue
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for seed in target.seeds() {
            try! Data(seed.bytes).write(to: URL(fileURLWithPath: folder + "/" + seed.name))
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("EmberFuzz: \(message)\n".utf8))
    exit(2)
}

#if !EMBER_LIBFUZZER
/// `EmberFuzz seeds DIR` writes the seed corpora; `EmberFuzz TARGET FILE...` runs each file
/// through the target and prints what the parser said.
@main enum Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.count == 2 && arguments[0] == "seeds" {
            writeSeeds(to: arguments[1])
            return
        }
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            fail("usage: EmberFuzz seeds DIR | EmberFuzz TARGET FILE... (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        for file in arguments.dropFirst() {
            guard let bytes = FileManager.default.contents(atPath: file) else { fail("cannot read '\(file)'") }
            let error = target.run(Array(bytes), in: Harness.freshDirectory())
            print("\(file): \(error.map { "refused: \($0)" } ?? "accepted")")
        }
        try? FileManager.default.removeItem(atPath: Harness.directory)
    }
}
#endif
