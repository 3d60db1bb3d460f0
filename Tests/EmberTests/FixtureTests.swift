import Foundation
import Testing
@testable import Ember

// Forward values of Ember's tensor ops checked against fixtures computed by real PyTorch.
// The fixtures come from `scripts/fixtures/generate.py` (see its docstring for the JSON layout);
// regenerate them with `/work/torchenv/bin/python scripts/fixtures/generate.py`.
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

struct ReprCase: Sendable, Decodable {
    let input: FixtureTensor
    let args: [String: JSONValue]
    let expected: String
}

struct Fixtures: Sendable, Decodable {
    let torch: String
    let cases: [String: FixtureCase]
    let repr: [String: ReprCase]
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

let fixtures: Fixtures = loadFixtures("core.json")

/// Cases where Ember disagrees with PyTorch in a way that needs more than a small local fix. They stay
/// in the JSON but are left out of the assertions; each entry says why.
let knownMismatches: [String: String] = [:]

/// Names of the cases with one of `ops`, sorted, known mismatches left out.
func caseNames(_ ops: String...) -> [String] {
    fixtures.cases.filter { ops.contains($0.value.op) && knownMismatches[$0.key] == nil }.keys.sorted()
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
func checkCase(_ name: String, in table: [String: FixtureCase] = fixtures.cases,
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

// MARK: - Op tables

/// `x op s` (or `s op x` when `reverse`) with a Swift Double or Int, as Python numbers do.
func scalarOp(_ fn: String, _ x: Tensor, _ s: JSONValue, isInt: Bool, reverse: Bool) -> Tensor {
    let d = s.double
    if reverse {
        switch fn {
        case "sub": return isInt ? s.int - x : d - x
        case "div": return d / x
        case "pow": return d ** x
        case "add": return isInt ? s.int + x : d + x
        case "mul": return isInt ? s.int * x : d * x
        default: fatalError("unknown reversed scalar op \(fn)")
        }
    }
    if isInt {
        let n = s.int
        switch fn {
        case "add": return x + n
        case "sub": return x - n
        case "mul": return x * n
        case "div": return x / n
        case "remainder": return x % n
        case "pow": return x.pow(Double(n))
        default: break
        }
    }
    switch fn {
    case "add": return x + d
    case "sub": return x - d
    case "mul": return x * d
    case "div": return x / d
    case "remainder": return x % d
    case "pow": return x ** d
    case "eq": return x .== d
    case "ne": return x .!= d
    case "lt": return x .< d
    case "le": return x .<= d
    case "gt": return x .> d
    case "ge": return x .>= d
    default: fatalError("unknown scalar op \(fn)")
    }
}

func reduction(_ c: FixtureCase, _ x: Tensor) -> [Tensor] {
    let fn = c.arg("fn").string
    let kd = c.args["keepdim"]?.bool ?? false
    let dims = c.arg("dims").optionalInts
    let dim = c.arg("dim").optionalInt
    switch fn {
    case "sum": return [x.sum(dims: dims, keepDim: kd)]
    case "mean": return [x.mean(dims: dims, keepDim: kd)]
    case "amax": return [x.amax(dims: dims, keepDim: kd)]
    case "amin": return [x.amin(dims: dims, keepDim: kd)]
    case "var": return [x.var(dims: dims, correction: c.arg("correction").int, keepDim: kd)]
    case "std": return [x.std(dims: dims, correction: c.arg("correction").int, keepDim: kd)]
    case "norm": return [x.norm(p: c.arg("p").double, dims: dims, keepDim: kd)]
    case "logsumexp": return [x.logsumexp(dims: dims!, keepDim: kd)]
    case "prod": return [x.prod(dim: dim, keepDim: kd)]
    case "argmax": return [x.argmax(dim: dim, keepDim: kd)]
    case "argmin": return [x.argmin(dim: dim, keepDim: kd)]
    case "all": return [x.all(dim: dim, keepDim: kd)]
    case "any": return [x.any(dim: dim, keepDim: kd)]
    case "max", "min":
        guard let dim else { return [fn == "max" ? x.max() : x.min()] }
        let r = fn == "max" ? x.max(dim: dim, keepDim: kd) : x.min(dim: dim, keepDim: kd)
        return [r.values, r.indices]
    case "median":
        guard let dim else { return [x.median()] }
        let r = x.median(dim: dim, keepDim: kd)
        return [r.values, r.indices]
    case "mode":
        let r = x.mode(dim: dim!, keepDim: kd)
        return [r.values, r.indices]
    case "cumsum": return [x.cumsum(dim!)]
    case "cumprod": return [x.cumprod(dim!)]
    default: fatalError("unknown reduction \(fn)")
    }
}

/// `x[items...]` for a JSON subscript spec (the subscript is variadic, so dispatch on the count).
func subscriptOp(_ c: FixtureCase, _ inputs: [Tensor]) -> Tensor {
    let items: [TensorIndex] = c.arg("items").array.map { item in
        let o = item.object
        switch o["t"]!.string {
        case "int": return o["v"]!.int.tensorIndex
        case "slice": return .slice(o["start"]?.optionalInt, o["end"]?.optionalInt, step: o["step"]?.int ?? 1)
        case "ellipsis": return .ellipsis
        case "none": return .newAxis
        case "tensor": return inputs[o["input"]!.int].tensorIndex
        default: fatalError("unknown subscript item \(o)")
        }
    }
    let x = inputs[0]
    switch items.count {
    case 1: return x[items[0]]
    case 2: return x[items[0], items[1]]
    case 3: return x[items[0], items[1], items[2]]
    default: fatalError("subscript with \(items.count) items")
    }
}

// MARK: - Tests

@Suite struct FixtureTests {
    @Test func fixturesLoad() {
        #expect(fixtures.cases.count > 400)
        #expect(fixtures.repr.count > 15)
        for name in knownMismatches.keys { #expect(fixtures.cases[name] != nil, "stale known mismatch \(name)") }
    }

    @Test(arguments: caseNames("scalar"))
    func scalar(_ name: String) {
        checkCase(name) { c, x in
            [scalarOp(c.arg("fn").string, x[0], c.arg("scalar"), isInt: c.arg("kind").string == "int",
                      reverse: c.arg("reverse").bool)]
        }
    }

    @Test(arguments: caseNames("where", "where_scalar"))
    func whereOp(_ name: String) {
        checkCase(name) { c, x in
            c.op == "where" ? [Tensor.where(x[0], x[1], x[2])] : [Tensor.where(x[0], x[1], c.arg("scalar").double)]
        }
    }

    @Test(arguments: caseNames("leaky_relu", "gelu", "softplus", "elu", "hardtanh", "clamp"))
    func parameterizedUnary(_ name: String) {
        checkCase(name) { c, x in
            switch c.op {
            case "leaky_relu": [x[0].leakyRelu(c.arg("slope").double)]
            case "gelu": [x[0].gelu(approximate: c.arg("approximate").string)]
            case "softplus": [x[0].softplus(beta: c.arg("beta").double, threshold: c.arg("threshold").double)]
            case "elu": [x[0].elu(alpha: c.arg("alpha").double)]
            case "hardtanh": [x[0].hardtanh(minVal: c.arg("min").double, maxVal: c.arg("max").double)]
            default: [x[0].clamp(min: c.arg("min").optionalDouble, max: c.arg("max").optionalDouble)]
            }
        }
    }

    @Test(arguments: caseNames("reduce", "dist"))
    func reduce(_ name: String) {
        checkCase(name) { c, x in
            c.op == "dist" ? [x[0].dist(x[1], p: c.arg("p").double)] : reduction(c, x[0])
        }
    }

    @Test(arguments: caseNames("index_select", "masked_select", "masked_fill", "nonzero", "gather",
                               "scatter", "scatter_value", "scatter_add"))
    func indexing(_ name: String) {
        checkCase(name) { c, x in
            switch c.op {
            case "index_select": [x[0].indexSelect(c.arg("dim").int, x[1])]
            case "masked_select": [x[0].maskedSelect(x[1])]
            case "masked_fill": [x[0].maskedFill(x[1], c.arg("value").double)]
            case "nonzero": [x[0].nonzero()]
            case "gather": [x[0].gather(c.arg("dim").int, x[1])]
            case "scatter": [x[0].scatter(c.arg("dim").int, x[1], x[2])]
            case "scatter_value": [x[0].scatter(c.arg("dim").int, x[1], value: c.arg("value").double)]
            default: [x[0].scatterAdd(c.arg("dim").int, x[1], x[2])]
            }
        }
    }

    @Test(arguments: caseNames("subscript"))
    func subscripts(_ name: String) {
        checkCase(name) { c, x in [subscriptOp(c, x)] }
    }

    @Test(arguments: caseNames("cat", "stack", "split", "split_sizes", "chunk", "flip", "roll", "repeat"))
    func joinAndReorder(_ name: String) {
        checkCase(name) { c, x in
            switch c.op {
            case "cat": [Tensor.cat(x, dim: c.arg("dim").int)]
            case "stack": [Tensor.stack(x, dim: c.arg("dim").int)]
            case "split": x[0].split(c.arg("size").int, dim: c.arg("dim").int)
            case "split_sizes": x[0].split(sizes: c.arg("sizes").ints, dim: c.arg("dim").int)
            case "chunk": x[0].chunk(c.arg("chunks").int, dim: c.arg("dim").int)
            case "flip": [x[0].flip(c.arg("dims").ints)]
            case "roll": [x[0].roll(c.arg("shifts").ints, dims: c.arg("dims").ints)]
            default: [x[0].repeat(c.arg("repeats").ints)]
            }
        }
    }

    @Test(arguments: caseNames("sort", "argsort", "topk"))
    func sorting(_ name: String) {
        checkCase(name) { c, x in
            switch c.op {
            case "sort":
                let r = x[0].sort(dim: c.arg("dim").int, descending: c.arg("descending").bool)
                return [r.values, r.indices]
            case "argsort":
                return [x[0].argsort(dim: c.arg("dim").int, descending: c.arg("descending").bool)]
            default:
                let r = x[0].topk(c.arg("k").int, dim: c.arg("dim").int, largest: c.arg("largest").bool)
                return [r.values, r.indices]
            }
        }
    }

    @Test(arguments: caseNames("matmul", "mm", "mm_t", "bmm", "mv", "dot", "outer", "einsum"))
    func linearAlgebra(_ name: String) {
        checkCase(name) { c, x in
            switch c.op {
            case "matmul": [x[0].matmul(x[1])]
            case "mm": [x[0].mm(x[1])]
            case "mm_t": [x[0].t().mm(x[1])]
            case "bmm": [x[0].bmm(x[1])]
            case "mv": [x[0].mv(x[1])]
            case "dot": [x[0].dot(x[1])]
            case "outer": [x[0].outer(x[1])]
            default: [Tensor.einsum(c.arg("equation").string, x)]
            }
        }
    }

    @Test(arguments: caseNames("linspace", "arange", "eye", "to"))
    func creation(_ name: String) {
        checkCase(name) { c, x in
            switch c.op {
            case "linspace":
                return [Tensor.linspace(c.arg("start").double, c.arg("end").double, steps: c.arg("steps").int,
                                        dtype: fixtureDType(c.arg("dtype").string))]
            case "arange":
                let a = c.arg("args").array
                let dtype = c.args["dtype"].map { fixtureDType($0.string) }
                if c.arg("kind").string == "int" {
                    let n = a.map(\.int)
                    switch n.count {
                    case 1: return [Tensor.arange(n[0])]
                    case 2: return [Tensor.arange(n[0], n[1])]
                    default: return [Tensor.arange(n[0], n[1], step: n[2])]
                    }
                }
                let d = a.map(\.double)
                return [Tensor.arange(d[0], d[1], step: d.count > 2 ? d[2] : 1, dtype: dtype)]
            case "eye":
                return [Tensor.eye(c.arg("n").int, c.arg("m").optionalInt, dtype: fixtureDType(c.arg("dtype").string))]
            default:
                return [x[0].to(fixtureDType(c.arg("dtype").string))]
            }
        }
    }

    @Test(arguments: fixtures.repr.keys.sorted())
    func printing(_ name: String) {
        let r = fixtures.repr[name]!
        var t = r.input.make()
        if r.args["requires_grad"]?.bool == true { t.requiresGrad = true }
        switch r.args["post"]?.isNull == false ? r.args["post"]!.string : "" {
        case "add1": t = t + 1
        case "mul2": t = t * 2
        default: break
        }
        #expect(String(describing: t) == r.expected, "\(name)")
    }
}
