import Ember
import ArgumentParser
import Foundation

/// Process measurements reported by benchmarks, with the keys `shared/bench/torch_ref.py` uses.
enum RunInfo {
    /// Seconds since this process started (the kernel's start time, so it includes loading the
    /// binary). The start time comes in clock ticks (10 ms), truncated, so this reads 0–10 ms
    /// long; now is the boot-time clock, not /proc/uptime's 10 ms steps.
    static func secondsSinceStart() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 of /proc/self/stat (starttime) is the 20th after the command name.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return 0 }
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9 - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident memory in MiB.
    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (Double(usage.ru_maxrss) / 1024 * 10).rounded() / 10
    }
}

/// Writes `object` as one line of JSON to `path` atomically (temp file, then rename).
func writeJSON(_ object: [String: Any], to path: String) throws {
    try TrainingOutputError.writeAtomically(Array(try jsonData(object, path: path)) + Array("\n".utf8), to: path)
}

/// `object` as JSON with sorted keys. JSON has no NaN or infinity: such a number (the loss of a
/// diverged run, its perplexity) is written as `null`, as Python's `json.dumps` would be asked to.
func jsonData(_ object: [String: Any], path: String) throws -> Data {
    do {
        return try JSONSerialization.data(withJSONObject: jsonSafe(object), options: [.sortedKeys])
    } catch {
        throw CommandError("cannot write '\(path)': the result cannot be written as JSON")
    }
}

/// `value` with every non-finite floating-point number, at any depth, replaced by `NSNull`.
func jsonSafe(_ value: Any) -> Any {
    switch value {
    case let d as Double: d.isFinite ? d : NSNull()
    case let f as Float: f.isFinite ? f : NSNull()
    case let dict as [String: Any]: dict.mapValues(jsonSafe)
    case let array as [Any]: array.map(jsonSafe)
    default: value
    }
}
