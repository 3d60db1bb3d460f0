import Foundation

/// A regular file mapped read-only for the length of a closure, so a reader can check a whole
/// file's structure before it copies anything out (an empty file is an empty buffer).
enum MappedFile {
    /// Maps `path` (through `RegularFile`'s checks) and runs `body` on its bytes; `failure`
    /// makes the reader's own error from a reason in words.
    static func withBytes<R, Failure: Error>(_ path: String, failure: (String) -> Failure,
                                             _ body: (UnsafeRawBufferPointer) throws(Failure) -> R) throws(Failure) -> R {
        let file: RegularFile
        do { file = try RegularFile(path) } catch { throw failure(error.reason) }
        let size = file.size
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, file.fd, 0), base != MAP_FAILED else {
            throw failure("cannot map: \(errnoText())")
        }
        defer { munmap(base, size) }
        return try body(UnsafeRawBufferPointer(start: base, count: size))
    }
}
