@testable import Ember

/// The op table's indexing ops: indexed updates, takes, scatters.
let indexingOps: [OpEntry] = [
    // Indexed updates.
    OpEntry("index_fill") { $0[0].indexFill(1, $0[1], -1.5) },
    OpEntry("index_copy") { $0[0].indexCopy(1, $0[1], $0[2]) },
    OpEntry("masked_scatter") { $0[0].maskedScatter($0[1], $0[2]) },
    OpEntry("take") { $0[0].take($0[1]) },
    OpEntry("take_along_dim") { $0[0].takeAlongDim($0[1], dim: 1) },
    OpEntry("take_along_dim_broadcast") { $0[0].takeAlongDim($0[1], dim: 0) },
    OpEntry("take_along_dim_flat") { $0[0].takeAlongDim($0[1]) },

    // Scatter with reductions.
    OpEntry("scatter_reduce_sum") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .sum) },
    OpEntry("scatter_reduce_sum_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .sum, includeSelf: false) },
    OpEntry("scatter_reduce_prod") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .prod) },
    OpEntry("scatter_reduce_prod_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .prod, includeSelf: false) },
    OpEntry("scatter_reduce_mean") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .mean) },
    OpEntry("scatter_reduce_mean_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .mean, includeSelf: false) },
    OpEntry("scatter_reduce_amax") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .amax) },
    OpEntry("scatter_reduce_amax_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .amax, includeSelf: false) },
    OpEntry("scatter_reduce_amin") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .amin) },
    OpEntry("scatter_reduce_amin_exclude") { $0[0].scatterReduce(1, $0[1], $0[2], reduce: .amin, includeSelf: false) },
    OpEntry("scatter_reduce_int_mean") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .mean) },

    // Edge cases found in review.
    OpEntry("scatter_reduce_prod_zero_untouched") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .prod) },

    // Selecting, masking, gathering and scattering along a dim.
    OpEntry("index_select") { x, a in x[0].indexSelect(a["dim"].int, x[1]) },
    OpEntry("masked_select") { $0[0].maskedSelect($0[1]) },
    OpEntry("masked_fill") { x, a in x[0].maskedFill(x[1], a["value"].double) },
    OpEntry("nonzero") { $0[0].nonzero() },
    OpEntry("gather") { x, a in x[0].gather(a["dim"].int, x[1]) },
    OpEntry("scatter") { x, a in x[0].scatter(a["dim"].int, x[1], x[2]) },
    OpEntry("scatter_value") { x, a in x[0].scatter(a["dim"].int, x[1], value: a["value"].double) },
    OpEntry("scatter_add") { x, a in x[0].scatterAdd(a["dim"].int, x[1], x[2]) },
    OpEntry("index_add") { x, a in x[0].indexAdd(a["dim"].int, x[1], x[2]) },
    OpEntry("index_add_alpha") { $0[0].indexAdd(1, $0[1], $0[2], alpha: 2) },

    // Subscripts.
    OpEntry("subscript") { x, a in subscripted(x, a["items"]) },
    // Repeated slices in index_copy; prod meeting zeros.
    OpEntry("index_copy_repeated") { $0[0].indexCopy(1, $0[1], $0[2]) },
    OpEntry("index_copy_d0") { $0[0].indexCopy(0, $0[1], $0[2]) },
    OpEntry("scatter_reduce_prod_zero_src") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .prod) },
    OpEntry("scatter_reduce_prod_zero_src_exclude") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .prod, includeSelf: false) },
    OpEntry("scatter_reduce_prod_single_zero_src") { $0[0].scatterReduce(0, $0[1], $0[2], reduce: .prod) },
]

/// `x[0][items...]` for a case's subscript items (`scripts/fixtures/optable/indexing.py`); a
/// tensor item names its input. The subscript is variadic, so this dispatches on the count.
private func subscripted(_ x: [Tensor], _ spec: JSONValue) -> Tensor {
    let items: [TensorIndex] = spec.array.map { item in
        let o = item.object
        switch o["t"]!.string {
        case "int": return o["v"]!.int.tensorIndex
        case "slice": return .slice(o["start"]?.optionalInt, o["end"]?.optionalInt, step: o["step"]?.int ?? 1)
        case "ellipsis": return .ellipsis
        case "none": return .newAxis
        case "tensor": return x[o["input"]!.int].tensorIndex
        default: fatalError("unknown subscript item \(o)")
        }
    }
    switch items.count {
    case 1: return x[0][items[0]]
    case 2: return x[0][items[0], items[1]]
    case 3: return x[0][items[0], items[1], items[2]]
    default: fatalError("subscript with \(items.count) items")
    }
}
