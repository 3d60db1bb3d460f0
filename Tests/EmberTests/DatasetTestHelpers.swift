import Foundation
import Testing
@testable import Ember

/// A fresh temporary directory, removed when `body` returns.
func withTempDir(_ body: (String) throws -> Void) rethrows {
    let dir = NSTemporaryDirectory() + "ember-data-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
}

/// Expects `body` to throw a `DatasetError` of `kind` whose message contains each of `texts`
/// (the file or directory at fault, and whatever else it should name).
func expectDatasetError(_ kind: DatasetError.Kind, naming texts: String..., when body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a \(kind) error naming \(texts)")
    } catch let error as DatasetError {
        #expect(error.kind == kind, "\(error)")
        for text in texts { #expect(error.description.contains(text), "\(error)") }
    } catch {
        Issue.record("unexpected \(error)")
    }
}
