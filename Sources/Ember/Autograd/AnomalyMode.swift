import Foundation
import Runtime
import Synchronization

/// Anomaly detection: while it is on, every recorded operation keeps the call stack of its
/// forward call, and the first backward rule that returns a gradient holding NaN stops the
/// program, naming the operation and printing where its forward call was made. Slow (a stack
/// capture per operation, a NaN scan per gradient): for finding the source of a NaN, not for
/// training. PyTorch: `torch.autograd.detect_anomaly`, `set_detect_anomaly`.
enum AnomalyMode {
    private static let enabled = Atomic<Bool>(false)

    static var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    static func set(_ on: Bool) { enabled.store(on, ordering: .relaxed) }

    /// The call stack of the caller's caller, unsymbolicated (cheap); `check` names its frames.
    static func callStack() -> Backtrace? {
        try? Backtrace.capture(limit: 48)
    }

    /// Stops with PyTorch's message when one of `grads`, which `node`'s backward rule returned,
    /// holds NaN.
    static func check(_ grads: [Tensor?], of node: Node) {
        for (k, g) in grads.enumerated() {
            guard let g, g.dtype.isFloatingPoint, noGrad({ g.isnan().any().item() != 0 }) else { continue }
            let frames = node.forwardTrace?.symbolicated()?.frames.dropFirst(2).map { "\($0)" } ?? []
            let trace = frames.isEmpty ? "" : "\nTraceback of the forward call that created it:\n" + frames.joined(separator: "\n")
            FileHandle.standardError.write(Data("Error detected in \(node.name).\(trace)\n".utf8))
            fatalError("Function '\(node.name)' returned nan values in its \(k)th output.")
        }
    }
}

extension autograd {
    /// Runs `body` with anomaly detection on (see `setDetectAnomaly`), restoring the previous
    /// setting after. PyTorch: `with torch.autograd.detect_anomaly():`.
    public static func detectAnomaly<T>(_ body: () throws -> T) rethrows -> T {
        let previous = AnomalyMode.isEnabled
        AnomalyMode.set(true)
        defer { AnomalyMode.set(previous) }
        return try body()
    }

    /// Turns anomaly detection on or off for the whole process: while on, the first backward
    /// rule that returns a gradient holding NaN stops the program with PyTorch's message
    /// ("Function 'MulBackward0' returned nan values in its 0th output.") and the call stack of
    /// the forward call that recorded it. PyTorch: `torch.autograd.set_detect_anomaly`.
    public static func setDetectAnomaly(_ on: Bool) { AnomalyMode.set(on) }

    /// Whether anomaly detection is on. PyTorch: `torch.is_anomaly_enabled`.
    public static var isAnomalyEnabled: Bool { AnomalyMode.isEnabled }
}
