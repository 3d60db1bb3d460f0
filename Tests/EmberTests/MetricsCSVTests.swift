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
}
