/// A JSON value as a safetensors header holds it. Objects keep their members in file order,
/// duplicates included, so the reader can reject a key given twice instead of silently keeping
/// one; non-negative integers are kept exact (offsets run past 2^53 in large files).
enum HeaderJSON: Sendable {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    /// A non-negative integer without fraction or exponent that fits in 64 bits.
    case integer(UInt64)
    /// Any other number, kept as written.
    case number(String)
    case bool(Bool)
    case null

    /// The kind of value, for error messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer, .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// The deepest nesting parsed: deeper than any real header; stops a crafted file from
    /// exhausting the stack.
    static let maxDepth = 64

    /// Parses one JSON document (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(HeaderJSONError) -> HeaderJSON {
        var p = HeaderJSONParser(bytes: bytes)
        p.skipWhitespace()
        let value = try p.value(depth: 0)
        p.skipWhitespace()
        if p.i < bytes.count { throw p.error("unexpected trailing characters") }
        return value
    }

    /// `s` as a JSON string literal, escaped exactly as `serde_json` (and so the Python
    /// `safetensors` package) escapes it: quote, backslash and control characters only.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}

/// Why a header is not valid JSON; the message names the byte offset into the header.
struct HeaderJSONError: Error {
    let message: String
}

/// A recursive-descent parser over the header bytes (RFC 8259).
private struct HeaderJSONParser {
    let bytes: UnsafeRawBufferPointer
    var i = 0
    static var maxDepth: Int { HeaderJSON.maxDepth }

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func error(_ message: String) -> HeaderJSONError {
        HeaderJSONError(message: "\(message) at byte \(i) of the header")
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    mutating func skipWhitespace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
    }

    mutating func expect(_ c: UInt8) throws(HeaderJSONError) {
        guard peek == c else { throw error("expected '\(Character(UnicodeScalar(c)))'") }
        i += 1
    }

    mutating func value(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        guard let c = peek else { throw error("unexpected end") }
        switch c {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: String) throws(HeaderJSONError) {
        for c in word.utf8 { try expect(c) }
    }

    mutating func object(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        i += 1
        var members: [(key: String, value: HeaderJSON)] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            if peek == UInt8(ascii: "}") { i += 1; return .object(members) }
            try expect(UInt8(ascii: ","))
        }
    }

    mutating func array(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        i += 1
        var items: [HeaderJSON] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
            try expect(UInt8(ascii: ","))
        }
    }

    mutating func number() throws(HeaderJSONError) -> HeaderJSON {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        guard let first = peek, first >= 0x30, first <= 0x39 else { throw error("invalid number") }
        i += 1
        if first != 0x30 { skipDigits() }
        var isInteger = bytes[start] != UInt8(ascii: "-")
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() else { throw error("invalid number") }
            isInteger = false
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() else { throw error("invalid number") }
            isInteger = false
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if isInteger, let n = UInt64(text) { return .integer(n) }
        return .number(text)
    }

    mutating func skipDigits() {
        while let c = peek, c >= 0x30, c <= 0x39 { i += 1 }
    }

    /// Skips one or more digits; false when there is none.
    mutating func digits() -> Bool {
        let start = i
        skipDigits()
        return i > start
    }

    mutating func string() throws(HeaderJSONError) -> String {
        i += 1
        var scalars = String.UnicodeScalarView()
        var runStart = i
        func flush(_ p: inout HeaderJSONParser) {
            let run = UnsafeRawBufferPointer(rebasing: p.bytes[runStart..<p.i])
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
        }
        while true {
            guard let c = peek else { throw error("unterminated string") }
            if c == UInt8(ascii: "\"") {
                flush(&self)
                i += 1
                return String(scalars)
            }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") { i += 1; continue }
            flush(&self)
            i += 1
            guard let e = peek else { throw error("unterminated string") }
            i += 1
            switch e {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
            default: throw error("invalid escape")
            }
            runStart = i
        }
    }

    /// The scalar of a `\uXXXX` escape (the `\u` already read), joining a surrogate pair.
    mutating func unicodeEscape() throws(HeaderJSONError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            guard peek == UInt8(ascii: "\\") else { throw error("unpaired surrogate") }
            i += 1
            try expect(UInt8(ascii: "u"))
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let s = Unicode.Scalar(high) else { throw error("unpaired surrogate") }
        return s
    }

    mutating func hex4() throws(HeaderJSONError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek, let d = hexDigit(c) else { throw error("invalid \\u escape") }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    func hexDigit(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        default: nil
        }
    }
}
