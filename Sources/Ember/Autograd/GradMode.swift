import Foundation

/// Whether operations are being recorded for autograd on this thread.
/// PyTorch: `torch.is_grad_enabled()`.
public var isGradEnabled: Bool { ThreadState.current.gradEnabled }

/// Turns recording on or off for this thread. PyTorch: `torch.set_grad_enabled(mode)`.
public func setGradEnabled(_ on: Bool) { ThreadState.current.gradEnabled = on }

/// Runs `body` without recording operations for autograd. PyTorch: `with torch.no_grad():`.
@discardableResult
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    let state = ThreadState.current
    let saved = state.gradEnabled
    state.gradEnabled = false
    defer { state.gradEnabled = saved }
    return try body()
}

/// Runs `body` with recording on, even inside `noGrad`. PyTorch: `with torch.enable_grad():`.
@discardableResult
public func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
    let state = ThreadState.current
    let saved = state.gradEnabled
    state.gradEnabled = true
    defer { state.gradEnabled = saved }
    return try body()
}
