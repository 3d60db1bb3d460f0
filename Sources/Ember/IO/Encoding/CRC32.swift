/// A table-driven, reflected 32-bit CRC: `ieee` for PNG chunks and zlib, `castagnoli` (CRC-32C)
/// for TFRecord framing.
struct CRC32: Sendable {
    /// The polynomial of Ethernet, zlib and PNG.
    static let ieee = CRC32(reflectedPolynomial: 0xEDB8_8320)
    /// The Castagnoli polynomial, used by TFRecord files.
    static let castagnoli = CRC32(reflectedPolynomial: 0x82F6_3B78)

    private let table: [UInt32]

    private init(reflectedPolynomial p: UInt32) {
        table = (0..<256).map { (n: UInt32) in
            (0..<8).reduce(n) { c, _ in c & 1 == 1 ? p ^ (c >> 1) : c >> 1 }
        }
    }

    /// The checksum of `bytes`.
    func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        ~bytes.reduce(~0) { c, b in table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    }
}
