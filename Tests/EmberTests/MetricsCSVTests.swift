import Foundation
import Testing
@testable import Ember

@Suite struct MetricsCSVTests {
    @Test func writesHeaderOnceAndARowPerEpoch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = MetricsCSV(path: dir + "/metrics.csv", columns: ["epoch", "train_loss", "test_acc"])
        try csv.append([1, 0.5, 0.75])
        try csv.append([2, 0.25, 0.875])
        #expect(try String(contentsOfFile: csv.path, encoding: .utf8) == "epoch,train_loss,test_acc\n1,0.5,0.75\n2,0.25,0.875\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["metrics.csv"])
    }

    @Test func aMissingDirectoryIsAnErrorNamingTheFile() {
        let csv = MetricsCSV(path: "/nonexistent-ember-dir/metrics.csv", columns: ["epoch"])
        #expect {
            try csv.append([1])
        } throws: { error in
            (error as? TrainingOutputError)?.path == "/nonexistent-ember-dir/metrics.csv"
        }
    }

    @Test func resumingKeepsTheRowsUpToTheCheckpointedEpoch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/metrics.csv"
        let first = MetricsCSV(path: path, columns: ["epoch", "loss"])
        for epoch in 1...3 { try first.append([Double(epoch), 1 / Double(epoch)]) }
        let resumed = try MetricsCSV(resuming: path, columns: ["epoch", "loss"], through: 2)
        #expect(resumed.rows == [[1, 1], [2, 0.5]])
        try resumed.append([3, 0.25])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "epoch,loss\n1,1\n2,0.5\n3,0.25\n")
        let fresh = try MetricsCSV(resuming: dir + "/none.csv", columns: ["epoch"], through: 5)
        #expect(fresh.rows.isEmpty)
    }

    @Test func resumingAFileWithOtherColumnsThrows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/metrics.csv"
        try "step,acc\n1,0.5\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try MetricsCSV(resuming: path, columns: ["epoch", "loss"], through: 1)
        } throws: { error in
            (error as? TrainingOutputError)?.description == "cannot write '\(path)': its header is not 'epoch,loss'"
        }
    }
}
