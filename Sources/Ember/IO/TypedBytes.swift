extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body with a typed error (the standard library's rethrows `any Error`).
    func withBytes<R, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> R) throws(Failure) -> R {
        try withUnsafeBytes { raw in Result { () throws(Failure) -> R in try body(raw) } }.get()
    }

    /// `withUnsafeMutableBytes` for a body with a typed error.
    mutating func withMutableBytes<R, Failure: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> R) throws(Failure) -> R {
        try withUnsafeMutableBytes { raw in Result { () throws(Failure) -> R in try body(raw) } }.get()
    }
}
