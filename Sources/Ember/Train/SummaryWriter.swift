import Foundation
import Synchronization

/// Writes scalars to a TensorBoard event file in `logDir`, named
/// `events.out.tfevents.<unix time>.<hostname>.<pid>.<n>` as PyTorch names them (`n` counts the
/// writers this process has made, so two writers started in the same second get two files), so
/// that `tensorboard --logdir` plots them. PyTorch: `torch.utils.tensorboard.SummaryWriter`.
///
/// The file is a TFRecord stream of `Event` protocol buffers. Each `addScalar` rewrites the
/// whole file through a temporary file, so a reader (or a crash) never sees a torn record; that
/// is meant for a handful of scalars per epoch, not thousands per second.
public final class SummaryWriter {
    /// The directory the event file is in.
    public let logDir: String
    /// The event file's full path.
    public let path: String
    private let now: () -> Double
    private var records: [UInt8] = []
    /// The writers made so far in this process. PyTorch: the event file writer's `_global_uid`.
    private static let created = Atomic<Int>(0)

    /// Creates `logDir` if needed and writes the event file with its version header.
    /// `now` reads the wall time in seconds since 1970 (default: the system clock).
    public init(logDir: String, now: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws(TrainingOutputError) {
        self.logDir = logDir
        self.now = now
        let start = now()
        let process = ProcessInfo.processInfo, n = Self.created.wrappingAdd(1, ordering: .relaxed).oldValue
        path = logDir + "/events.out.tfevents.\(Int(start)).\(process.hostName).\(process.processIdentifier).\(n)"
        do {
            try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        } catch {
            throw TrainingOutputError(path: path, "cannot create directory '\(logDir)': \(error.localizedDescription)")
        }
        var event = ProtobufEncoder()
        event.double(1, start)
        event.string(3, "brain.Event:2")
        try append(event.bytes)
    }

    /// Records `value` under `tag` (e.g. `loss/train`) at `step` (e.g. the epoch) and writes the
    /// file. PyTorch: `writer.add_scalar(tag, scalar_value, global_step)`.
    public func addScalar(tag: String, value: Double, step: Int) throws(TrainingOutputError) {
        var summaryValue = ProtobufEncoder()
        summaryValue.string(1, tag)
        summaryValue.float(2, Float(value))
        var summary = ProtobufEncoder()
        summary.bytes(1, summaryValue.bytes)
        var event = ProtobufEncoder()
        event.double(1, now())
        event.int64(2, Int64(step))
        event.bytes(5, summary.bytes)
        try append(event.bytes)
    }

    /// Frames `event` as a TFRecord (length, its masked CRC-32C, data, its masked CRC-32C) and
    /// rewrites the file with it added; on failure the record is dropped and the file is as before.
    private func append(_ event: [UInt8]) throws(TrainingOutputError) {
        var record = withUnsafeBytes(of: UInt64(event.count).littleEndian, Array.init)
        let lengthCRC = Self.maskedCRC(record)
        withUnsafeBytes(of: lengthCRC.littleEndian) { record.append(contentsOf: $0) }
        record += event
        withUnsafeBytes(of: Self.maskedCRC(event).littleEndian) { record.append(contentsOf: $0) }
        try TrainingOutputError.writeAtomically(records + record, to: path)
        records += record
    }

    /// TFRecord's CRC-32C, rotated and offset so that CRCs of data holding CRCs stay strong.
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = CRC32.castagnoli.checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
