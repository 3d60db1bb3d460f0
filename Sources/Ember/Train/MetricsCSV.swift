import Foundation

/// A CSV file of per-epoch metrics: a header naming the columns, then one row per `append`.
/// Each append rewrites the whole file through a temporary file, so a crash mid-training leaves
/// the rows of every finished epoch and never half a row. PyTorch has no counterpart; the
/// textbook prints these numbers.
public final class MetricsCSV {
    /// The file's path.
    public let path: String
    /// The column names, in order, e.g. `["epoch", "train_loss", "train_acc", "test_acc", "seconds"]`.
    public let columns: [String]
    /// Every row so far (those kept from an earlier run, then those appended), in order.
    public private(set) var rows: [[Double]] = []
    private var text: String

    /// A metrics file at `path` with these columns; nothing is written until the first row.
    public init(path: String, columns: [String]) {
        self.path = path
        self.columns = columns
        text = columns.joined(separator: ",") + "\n"
    }

    /// Continues the file an interrupted run left at `path`: keeps its rows whose first column
    /// (the epoch) is at most `last`, and drops later ones, which the resumed run writes again.
    /// No file starts afresh. A file with other columns or an unreadable row throws, naming it.
    public convenience init(resuming path: String, columns: [String], through last: Double) throws(TrainingOutputError) {
        self.init(path: path, columns: columns)
        let data: [UInt8]
        do {
            data = try RegularFile(path).readAll(limit: 1 << 30)
        } catch {
            if case .missing = error { return }
            throw TrainingOutputError(path: path, "cannot read the metrics of the run being resumed: \(error.reason)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.first.map(String.init) == columns.joined(separator: ",") else {
            throw TrainingOutputError(path: path, "its header is not '\(columns.joined(separator: ","))'")
        }
        for (number, line) in lines.dropFirst().enumerated() {
            let values = line.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0) }
            guard values.count == columns.count else {
                throw TrainingOutputError(path: path, "line \(number + 2) does not hold \(columns.count) numbers")
            }
            if values[0] <= last { keep(values, String(line) + "\n") }
        }
    }

    /// Appends one row, a value per column (whole numbers without a fraction, others with
    /// Swift's shortest exact form), and writes the file.
    public func append(_ values: [Double]) throws(TrainingOutputError) {
        check(values.count == columns.count, "MetricsCSV.append: expected \(columns.count) values, got \(values.count)")
        let row = values.map { v in
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }.joined(separator: ",") + "\n"
        try TrainingOutputError.writeAtomically(Array((text + row).utf8), to: path)
        keep(values, row)
    }

    private func keep(_ values: [Double], _ row: String) {
        rows.append(values)
        text += row
    }
}
