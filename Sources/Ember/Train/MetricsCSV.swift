/// A CSV file of per-epoch metrics: a header naming the columns, then one row per `append`.
/// Each append rewrites the whole file through a temporary file, so a crash mid-training leaves
/// the rows of every finished epoch and never half a row. PyTorch has no counterpart; the
/// textbook prints these numbers.
public final class MetricsCSV {
    /// The file's path.
    public let path: String
    /// The column names, in order, e.g. `["epoch", "train_loss", "train_acc", "test_acc", "seconds"]`.
    public let columns: [String]
    private var text: String

    /// A metrics file at `path` with these columns; nothing is written until the first row.
    public init(path: String, columns: [String]) {
        self.path = path
        self.columns = columns
        text = columns.joined(separator: ",") + "\n"
    }

    /// Appends one row, a value per column (whole numbers without a fraction, others with
    /// Swift's shortest exact form), and writes the file.
    public func append(_ values: [Double]) throws(TrainingOutputError) {
        precondition(values.count == columns.count, "MetricsCSV.append: expected \(columns.count) values, got \(values.count)")
        let row = values.map { v in
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }.joined(separator: ",") + "\n"
        try TrainingOutputError.writeAtomically(Array((text + row).utf8), to: path)
        text += row
    }
}
