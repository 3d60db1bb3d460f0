import Foundation

/// Per-thread state: the autograd switch, as in PyTorch (a DataLoader worker's `noGrad` does not
/// leak into the training thread), the thread's oneDNN stream, and a DataLoader worker's
/// generator.
final class ThreadState {
    @exclusivity(unchecked) var gradEnabled = true
    /// What random functions given no generator draw from on this thread: the generator of the
    /// batch a DataLoader worker is building, else nil (the default generator).
    var generator: Generator?
    /// This thread's oneDNN stream, created on first use.
    lazy var dnnlStream = DNNLStream()

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { Unmanaged<ThreadState>.fromOpaque($0!).release() }
        return key
    }()

    /// The calling thread's state, created on first use.
    static var current: ThreadState {
        if let p = pthread_getspecific(key) { return Unmanaged<ThreadState>.fromOpaque(p).takeUnretainedValue() }
        let s = ThreadState()
        pthread_setspecific(key, Unmanaged.passRetained(s).toOpaque())
        return s
    }
}

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
