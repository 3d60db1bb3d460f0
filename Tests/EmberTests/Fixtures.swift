import Foundation
import Testing
@testable import Ember

// Reading the fixtures real PyTorch computed (`scripts/fixtures/*.py` write `Tests/Fixtures/*.json`)
// and comparing Ember's tensors with them.
//
// Tolerances (|actual - expected| <= atol + rtol * |expected|, atol = rtol * 0.1 * max |expected|
// over the output): float32 rtol 1e-5, float64 1e-10, float16 2e-3 and bfloat16 1.6e-2 (about two
// units in the last place). Integers and bools must match exactly; NaN must meet NaN and
// infinities must match exactly. Dtypes and shapes must match exactly.

// MARK: - JSON model

/// A JSON value, kept Sendable so the parsed fixtures can live in a global `let`.
enum JSONValue: Sendable, Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var isNull: Bool { if case .null = self { true } else { false } }

    /// Numbers, and the strings "nan", "inf", "-inf" the generator writes for non-finite values.
    var double: Double {
        switch self {
        case .number(let v): return v
        case .bool(let v): return v ? 1 : 0
        case .string("nan"): return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: fatalError("not a number: \(self)")
        }
    }
    var int: Int {
        guard case .number(let v) = self, v == v.rounded() else { fatalError("not an integer: \(self)") }
        return Int(v)
    }
    var bool: Bool {
        guard case .bool(let v) = self else { fatalError("not a bool: \(self)") }
        return v
    }
    var string: String {
        guard case .string(let v) = self else { fatalError("not a string: \(self)") }
        return v
    }
    var array: [JSONValue] {
        guard case .array(let v) = self else { fatalError("not an array: \(self)") }
        return v
    }
    var object: [String: JSONValue] {
        guard case .object(let v) = self else { fatalError("not an object: \(self)") }
        return v
    }
    var ints: [Int] { array.map(\.int) }
    var optionalInts: [Int]? { isNull ? nil : ints }
    var optionalInt: Int? { isNull ? nil : int }
    var optionalDouble: Double? { isNull ? nil : double }
}

/// A tensor as the generator writes it: dtype name, shape, row-major values.
struct FixtureTensor: Sendable, Decodable {
    let dtype: String
    let shape: [Int]
    let values: [JSONValue]

    var emberDType: DType { fixtureDType(dtype) }

    /// The tensor with exactly these values.
    func make() -> Tensor {
        let dt = emberDType
        if dt == .bool { return Tensor(values.map(\.bool), shape: shape, dtype: .bool) }
        if dt.isFloatingPoint { return Tensor(values.map(\.double), shape: shape, dtype: dt) }
        return Tensor(values.map(\.int), shape: shape, dtype: dt)
    }
}

func fixtureDType(_ name: String) -> DType {
    guard let dt = DType.allCases.first(where: { $0.description == "torch." + name }) else {
        fatalError("unknown dtype \(name)")
    }
    return dt
}

struct FixtureCase: Sendable, Decodable {
    let op: String
    let args: [String: JSONValue]
    let inputs: [FixtureTensor]
    let outputs: [FixtureTensor]
    /// The op table's float64 gradients per input (`scripts/fixtures/ops.py`); absent elsewhere.
    let grads: [FixtureTensor?]?

    func arg(_ key: String) -> JSONValue { args[key] ?? .null }

    /// `inputs` seen as the op sees them: `args.perm` permutes inputs into strided
    /// (non-contiguous) views before the op.
    func permuted(_ inputs: [Tensor]) -> [Tensor] {
        let perms = args["perm"]?.array.map(\.optionalInts) ?? []
        return inputs.enumerated().map { k, x in k < perms.count ? perms[k].map { x.permute($0) } ?? x : x }
    }
}

/// Decodes `Tests/Fixtures/<file>`, found from this source file's path.
func loadFixtures<T: Decodable>(_ file: String) -> T {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(file)
    do {
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    } catch {
        fatalError("cannot load \(url.path): \(error)")
    }
}

// MARK: - Comparison

/// Relative tolerance for a dtype; nil means exact.
func relativeTolerance(_ dtype: DType) -> Double? {
    switch dtype {
    case .float32: 1e-5
    case .float64: 1e-10
    case .float16: 2e-3
    case .bfloat16: 1.6e-2
    default: nil
    }
}

/// Checks dtype, shape and values of `actual` against `expected`, naming `label` in failures;
/// `tolerance` gives the relative tolerance per dtype (nil: exact).
func expectMatches(_ actual: Tensor, _ expected: FixtureTensor, _ label: String,
                   tolerance: (DType) -> Double? = relativeTolerance,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let dt = expected.emberDType
    #expect(actual.dtype == dt, "\(label): dtype \(actual.dtype), expected torch.\(expected.dtype)",
            sourceLocation: sourceLocation)
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape), expected \(expected.shape)",
            sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let want = expected.values.map(\.double)
    let got = actual.toDoubles()
    guard let rtol = tolerance(dt), actual.dtype.isFloatingPoint else {
        let bad = zip(got, want).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(bad.isEmpty, "\(label): \(bad.count) of \(want.count) differ; first at \(bad.first?.offset ?? -1): got \(got), expected \(want)",
                sourceLocation: sourceLocation)
        return
    }
    let scale = want.filter(\.isFinite).map(Swift.abs).max() ?? 0
    let atol = rtol * 0.1 * scale
    var bad: [(Int, Double, Double)] = []
    for (i, (g, w)) in zip(got, want).enumerated() {
        let ok: Bool
        if w.isNaN { ok = g.isNaN }
        else if w.isInfinite { ok = g == w }
        else { ok = g.isFinite && Swift.abs(g - w) <= atol + rtol * Swift.abs(w) }
        if !ok { bad.append((i, g, w)) }
    }
    #expect(bad.isEmpty, "\(label): \(bad.count) of \(want.count) outside rtol \(rtol); first at \(bad.first.map { "\($0.0): got \($0.1), expected \($0.2)" } ?? "")\n got \(got)\n want \(want)",
            sourceLocation: sourceLocation)
}

/// Runs `body` on the inputs of case `name` of `table` and checks its outputs against the fixture,
/// within `tolerance` (as in `expectMatches`).
func checkCase(_ name: String, in table: [String: FixtureCase],
               tolerance: (DType) -> Double? = relativeTolerance,
               _ body: (FixtureCase, [Tensor]) -> [Tensor]) {
    let c = table[name]!
    if ProcessInfo.processInfo.environment["EMBER_FIXTURE_TRACE"] != nil {
        FileHandle.standardError.write(Data("fixture \(name)\n".utf8))
    }
    let outs = body(c, c.permuted(c.inputs.map { $0.make() }))
    #expect(outs.count == c.outputs.count, "\(name): \(outs.count) outputs, expected \(c.outputs.count)")
    for (k, (o, e)) in zip(outs, c.outputs).enumerated() {
        expectMatches(o, e, c.outputs.count == 1 ? name : "\(name)[\(k)]", tolerance: tolerance)
    }
}
