@testable import Ember

/// The op table's `F` functions of the notes: activations, softmax, linear, normalization, the
/// classic losses, embedding, padding and interpolation, with the case's keywords as arguments.
let functionalCoreOps: [OpEntry] = [
    // Activations and softmax.
    OpEntry("F.relu") { F.relu($0[0]) },
    OpEntry("F.relu6") { F.relu6($0[0]) },
    OpEntry("F.leakyRelu") { x, a in F.leakyRelu(x[0], negativeSlope: a["negativeSlope"].double) },
    OpEntry("F.elu") { x, a in F.elu(x[0], alpha: a["alpha"].double) },
    OpEntry("F.gelu") { x, a in F.gelu(x[0], approximate: a["approximate"].string) },
    OpEntry("F.silu") { F.silu($0[0]) },
    OpEntry("F.sigmoid") { F.sigmoid($0[0]) },
    OpEntry("F.tanh") { F.tanh($0[0]) },
    OpEntry("F.hardtanh") { x, a in F.hardtanh(x[0], minVal: a["minVal"].double, maxVal: a["maxVal"].double) },
    OpEntry("F.softplus") { x, a in F.softplus(x[0], beta: a["beta"].double, threshold: a["threshold"].double) },
    OpEntry("F.softmax") { x, a in F.softmax(x[0], dim: a["dim"].int) },
    OpEntry("F.logSoftmax") { x, a in F.logSoftmax(x[0], dim: a["dim"].int) },

    // Linear.
    OpEntry("F.linear") { F.linear($0[0], $0[1], optional($0, 2)) },

    // Normalization.
    OpEntry("F.batchNorm", outputs: { x, a in
        let (mean, variance) = (x[1].clone(), x[2].clone())
        let y = F.batchNorm(x[0], runningMean: mean, runningVar: variance, weight: x[3], bias: x[4],
                            training: a["training"].bool, momentum: a["momentum"].double, eps: a["eps"].double)
        return [y, mean, variance]
    }),
    OpEntry("F.batchNormBatchStats") { F.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true) },
    OpEntry("F.batchNormSteps", outputs: { x in
        let mean = Tensor.zeros([3], dtype: x[0].dtype), variance = Tensor.ones([3], dtype: x[0].dtype)
        let outs = x.map { F.batchNorm($0, runningMean: mean, runningVar: variance, training: true) }
        return [outs.last!, mean, variance]
    }),
    OpEntry("F.layerNorm") { x, a in
        F.layerNorm(x[0], normalizedShape: a["normalizedShape"].ints, weight: optional(x, 1), bias: optional(x, 2), eps: a["eps"].double)
    },
    OpEntry("F.groupNorm") { x, a in
        F.groupNorm(x[0], numGroups: a["numGroups"].int, weight: optional(x, 1), bias: optional(x, 2), eps: a["eps"].double)
    },

    // Losses.
    OpEntry("F.crossEntropy") { x, a in
        F.crossEntropy(x[0], x[1], weight: optional(x, 2), ignoreIndex: a["ignoreIndex"].optionalInt ?? -100,
                       reduction: reduction(a), labelSmoothing: a["labelSmoothing"].optionalDouble ?? 0)
    },
    OpEntry("F.nllLoss") { x, a in
        F.nllLoss(x[0], x[1], weight: optional(x, 2), ignoreIndex: a["ignoreIndex"].optionalInt ?? -100, reduction: reduction(a))
    },
    OpEntry("F.mseLoss") { x, a in F.mseLoss(x[0], x[1], reduction: reduction(a)) },
    OpEntry("F.l1Loss") { x, a in F.l1Loss(x[0], x[1], reduction: reduction(a)) },
    OpEntry("F.huberLoss") { x, a in F.huberLoss(x[0], x[1], reduction: reduction(a), delta: a["delta"].double) },
    OpEntry("F.smoothL1Loss") { x, a in F.smoothL1Loss(x[0], x[1], reduction: reduction(a), beta: a["beta"].double) },
    OpEntry("F.binaryCrossEntropy") { x, a in F.binaryCrossEntropy(x[0], x[1], weight: optional(x, 2), reduction: reduction(a)) },
    OpEntry("F.binaryCrossEntropyWithLogits") { x, a in
        F.binaryCrossEntropyWithLogits(x[0], x[1], weight: optional(x, 2), reduction: reduction(a), posWeight: optional(x, 3))
    },
    OpEntry("F.klDiv") { x, a in
        F.klDiv(x[0], x[1], reduction: F.KLDivReduction(rawValue: a["reduction"].string)!, logTarget: a["logTarget"].bool)
    },

    // Embedding and one-hot.
    OpEntry("F.embedding") { x, a in F.embedding(x[0], x[1], paddingIdx: a["paddingIdx"].optionalInt) },
    OpEntry("F.oneHot") { x, a in F.oneHot(x[0], numClasses: a["numClasses"].optionalInt ?? -1) },

    // Padding and interpolation.
    OpEntry("F.pad") { x, a in F.pad(x[0], a["pad"].ints, mode: a["mode"].string, value: a["value"].optionalDouble ?? 0) },
    OpEntry("F.interpolate") { x, a in
        F.interpolate(x[0], size: a["size"].optionalInts, scaleFactor: a["scaleFactor"].isNull ? nil : a["scaleFactor"].array.map(\.double),
                      mode: a["mode"].string, alignCorners: a["alignCorners"].isNull ? nil : a["alignCorners"].bool)
    },
]

/// Input `i` when the case passes it.
private func optional(_ x: [Tensor], _ i: Int) -> Tensor? { i < x.count ? x[i] : nil }

/// The case's `reduction` (PyTorch's default, "mean", when absent).
private func reduction(_ a: OpArgs) -> F.Reduction { F.Reduction(rawValue: a["reduction"].isNull ? "mean" : a["reduction"].string)! }
