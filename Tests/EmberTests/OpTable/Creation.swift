@testable import Ember

/// The op table's creation and conversion ops.
let creationOps: [OpEntry] = [
    // Ranges and identities (no inputs).
    OpEntry("linspace") { _, a in
        Tensor.linspace(a["start"].double, a["end"].double, steps: a["steps"].int, dtype: fixtureDType(a["dtype"].string))
    },
    OpEntry("arange") { _, a in
        let dtype = a["dtype"].isNull ? nil : fixtureDType(a["dtype"].string)
        guard a["int"].bool else {
            let d = a["args"].array.map(\.double)
            return Tensor.arange(d[0], d[1], step: d.count > 2 ? d[2] : 1, dtype: dtype)
        }
        let n = a["args"].ints
        switch n.count {
        case 1: return Tensor.arange(n[0])
        case 2: return Tensor.arange(n[0], n[1])
        default: return Tensor.arange(n[0], n[1], step: n[2])
        }
    },
    OpEntry("eye") { _, a in Tensor.eye(a["n"].int, a["m"].optionalInt, dtype: fixtureDType(a["dtype"].string)) },

    // Conversions between dtypes.
    OpEntry("to") { x, a in x[0].to(fixtureDType(a["dtype"].string)) },
]
