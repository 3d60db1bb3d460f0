/// Stops with `message` when `condition` is false, in every build configuration. Unlike
/// `precondition`, whose message optimized builds drop, this keeps PyTorch's wording of a
/// programmer error (shape, dim, dtype) visible in release binaries too.
@inline(__always)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
           file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
