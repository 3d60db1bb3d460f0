import Foundation
import Testing
@testable import Ember

@Suite struct SummaryWriterTests {
    @Test func crcCheckValues() {
        let check = Array("123456789".utf8)
        #expect(CRC32.ieee.checksum(check) == 0xCBF4_3926)
        #expect(CRC32.castagnoli.checksum(check) == 0xE306_9283)
    }

    /// The records of a TFRecord file, each checked against its two masked CRCs.
    private func records(_ data: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        func le<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            data[at..<at + MemoryLayout<T>.size].reversed().reduce(0) { $0 << 8 | T($1) }
        }
        while i < data.count {
            let n = Int(le(i, UInt64.self))
            #expect(le(i + 8, UInt32.self) == SummaryWriter.maskedCRC(Array(data[i..<i + 8])))
            let body = Array(data[i + 12..<i + 12 + n])
            #expect(le(i + 12 + n, UInt32.self) == SummaryWriter.maskedCRC(body))
            out.append(body)
            i += 16 + n
        }
        #expect(i == data.count)
        return out
    }

    /// A protobuf message's fields: number → raw value (varints and fixed widths as UInt64).
    private enum Field: Equatable { case int(UInt64), bytes([UInt8]) }
    private func fields(_ m: [UInt8]) -> [Int: Field] {
        var out: [Int: Field] = [:]
        var i = 0
        func varint() -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = m[i]; i += 1
                v |= UInt64(b & 0x7F) << shift; shift += 7
                if b < 0x80 { return v }
            }
        }
        while i < m.count {
            let key = varint()
            switch key & 7 {
            case 0: out[Int(key >> 3)] = .int(varint())
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                out[Int(key >> 3)] = .int(m[i..<i + width].reversed().reduce(0) { $0 << 8 | UInt64($1) })
                i += width
            default:
                let n = Int(varint())
                out[Int(key >> 3)] = .bytes(Array(m[i..<i + n])); i += n
            }
        }
        return out
    }

    @Test func eventFileDecodes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try SummaryWriter(logDir: dir + "/run", now: { 1_700_000_000.5 })
        try writer.addScalar(tag: "loss/train", value: 0.25, step: 3)
        #expect(writer.path.hasPrefix(dir + "/run/events.out.tfevents.1700000000."))
        let events = records(Array(try Data(contentsOf: URL(fileURLWithPath: writer.path))))
        #expect(events.count == 2)
        let header = fields(events[0])
        #expect(header[1] == .int(1_700_000_000.5.bitPattern))
        #expect(header[3] == .bytes(Array("brain.Event:2".utf8)))
        let scalar = fields(events[1])
        #expect(scalar[2] == .int(3))
        guard case .bytes(let summary)? = scalar[5], case .bytes(let value)? = fields(summary)[1] else {
            Issue.record("no summary value"); return
        }
        #expect(fields(value)[1] == .bytes(Array("loss/train".utf8)))
        #expect(fields(value)[2] == .int(UInt64(Float(0.25).bitPattern)))
    }

    /// With `EMBER_TENSORBOARD_DIR` set, the run is left there for `scripts/check_tensorboard.py`
    /// to read back with the `tensorboard` package.
    @Test func severalEpochsOfScalars() throws {
        let kept = ProcessInfo.processInfo.environment["EMBER_TENSORBOARD_DIR"]
        let dir = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("ember-tb-\(UUID().uuidString)").path
        defer { if kept == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let writer = try SummaryWriter(logDir: dir + "/lenet")
        for epoch in 1...3 {
            try writer.addScalar(tag: "loss/train", value: 1 / Double(epoch), step: epoch)
            try writer.addScalar(tag: "accuracy/test", value: 0.8 + 0.01 * Double(epoch), step: epoch)
        }
        #expect(records(Array(try Data(contentsOf: URL(fileURLWithPath: writer.path)))).count == 7)
    }

    @Test func twoWritersInOneDirectoryGetTwoFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try SummaryWriter(logDir: dir, now: { 1_700_000_000 })
        let second = try SummaryWriter(logDir: dir, now: { 1_700_000_000 })
        #expect(first.path != second.path)
        let pid = ProcessInfo.processInfo.processIdentifier
        for writer in [first, second] {
            let name = String(writer.path.dropFirst(dir.count + 1))
            #expect(name.hasPrefix("events.out.tfevents.1700000000.\(ProcessInfo.processInfo.hostName).\(pid)."))
            #expect(Int(name.split(separator: ".").last!) != nil, "ends with the writer counter: \(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == 2)
    }

    @Test func anUncreatableDirectoryIsAnError() {
        #expect(throws: TrainingOutputError.self) { try SummaryWriter(logDir: "/proc/ember-no-such-dir") }
    }
}
