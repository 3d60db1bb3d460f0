import Foundation

/// Per-thread state: the autograd switch, as in PyTorch (a DataLoader worker's `noGrad` does not
/// leak into the training thread), the thread's oneDNN stream, and a DataLoader worker's
/// generator.
final class ThreadState {
    @exclusivity(unchecked) var gradEnabled = true
    /// What random functions given no generator draw from on this thread: the generator of the
    /// batch a DataLoader worker is building, else nil (the default generator).
    var generator: Generator?
    /// The graph capture recording this thread's operations, if one is: an `ONNXTracer` during
    /// `exportONNX` (held as `AnyObject` because tracing sits above this layer).
    @exclusivity(unchecked) var tracer: AnyObject?
    /// Callbacks queued during each backward walk running on this thread (innermost last), run
    /// when that walk ends (`Engine.queueCallback`).
    var walkCallbacks: [[() -> Void]] = []
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
