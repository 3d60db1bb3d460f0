@testable import Ember

/// `body()` drawing from a generator of its own instead of the process-wide default one.
///
/// Suites run in parallel, and many tests draw from the default generator (every `Linear`,
/// `Conv2d` or `dropout` does): a test that seeds it and checks what it draws, or that checks it
/// did not move, would see the others' draws. `manualSeed`, `getRngState` and every op without an
/// explicit generator use the calling thread's generator, which this sets for the call.
func withOwnGenerator<T>(seed: UInt64 = 0, _ body: () throws -> T) rethrows -> T {
    let thread = ThreadState.current, saved = thread.generator
    thread.generator = Generator(seed: seed)
    defer { thread.generator = saved }
    return try body()
}
