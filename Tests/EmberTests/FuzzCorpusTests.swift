import Foundation
import Testing
@testable import EmberFuzz

/// The fuzzing harness's targets on their seeds (valid files: each must be accepted) and on the
/// inputs fuzzing once crashed or hung them (kept in `Fuzz/regressions/<target>/`: each must now
/// be accepted or refused with an error, in the time a test has).
@Suite struct FuzzCorpusTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/regressions").standardizedFileURL.path

    @Test(arguments: FuzzTarget.allCases)
    func seedsAreAccepted(_ target: FuzzTarget) throws {
        try withTempDir { dir in
            for seed in target.seeds() {
                let error = target.run(seed.bytes, in: dir)
                #expect(error == nil, "\(target.rawValue) seed '\(seed.name)': \(String(describing: error))")
                try FileManager.default.contentsOfDirectory(atPath: dir).forEach { try FileManager.default.removeItem(atPath: dir + "/" + $0) }
            }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func savedCrashInputsAreHandled(_ target: FuzzTarget) throws {
        let folder = Self.regressions + "/" + target.rawValue
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        try withTempDir { dir in
            for name in names.sorted() {
                let bytes = try #require(FileManager.default.contents(atPath: folder + "/" + name))
                _ = target.run(Array(bytes), in: dir)
                try FileManager.default.contentsOfDirectory(atPath: dir).forEach { try FileManager.default.removeItem(atPath: dir + "/" + $0) }
            }
        }
    }
}
