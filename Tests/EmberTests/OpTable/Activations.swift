@testable import Ember

/// The op table's activation functions.
let activationOps: [OpEntry] = [
    // Activations.
    OpEntry("selu") { F.selu($0[0]) },
    OpEntry("celu") { F.celu($0[0]) },
    OpEntry("celu_alpha") { F.celu($0[0], alpha: 0.5) },
    OpEntry("elu_alpha") { F.elu($0[0], alpha: 0.7) },
    OpEntry("hardsigmoid") { F.hardsigmoid($0[0]) },
    OpEntry("hardswish") { F.hardswish($0[0]) },
    OpEntry("mish") { F.mish($0[0]) },
    OpEntry("softsign") { F.softsign($0[0]) },
    OpEntry("tanhshrink") { F.tanhshrink($0[0]) },
    OpEntry("softmin") { F.softmin($0[0], dim: 1) },
    OpEntry("softmin_dim0") { F.softmin($0[0], dim: 0) },
    OpEntry("glu") { F.glu($0[0]) },
    OpEntry("glu_dim0") { F.glu($0[0], dim: 0) },
    OpEntry("prelu") { F.prelu($0[0], weight: $0[1]) },
    OpEntry("prelu_single") { F.prelu($0[0], weight: $0[1]) },
    OpEntry("threshold") { F.threshold($0[0], threshold: 0.25, value: -5) },
    OpEntry("threshold_int") { F.threshold($0[0], threshold: 4, value: 100) },
    OpEntry("hardshrink") { F.hardshrink($0[0]) },
    OpEntry("hardshrink_lambd") { F.hardshrink($0[0], lambd: 1) },
    OpEntry("softshrink") { F.softshrink($0[0]) },
    OpEntry("softshrink_lambd") { F.softshrink($0[0], lambd: 1) },

    // Activations with parameters.
    OpEntry("leaky_relu") { x, a in x[0].leakyRelu(a["slope"].double) },
    OpEntry("gelu") { x, a in x[0].gelu(approximate: a["approximate"].string) },
    OpEntry("softplus") { x, a in x[0].softplus(beta: a["beta"].double, threshold: a["threshold"].double) },
    OpEntry("elu") { x, a in x[0].elu(alpha: a["alpha"].double) },
    OpEntry("hardtanh") { x, a in x[0].hardtanh(minVal: a["min"].double, maxVal: a["max"].double) },
]
