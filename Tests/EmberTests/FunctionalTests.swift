import Testing
@testable import Ember

// The `F` operators: forward values against PyTorch fixtures (`scripts/fixtures/functional.py`,
// compared as in Fixtures.swift), float64 gradient checks of each differentiable operator, dropout's
// masks, and the error messages of misuse.

struct FunctionalFixtures: Sendable, Decodable {
    let torch: String
    let cases: [String: FixtureCase]
}

let functionalFixtures: FunctionalFixtures = loadFixtures("functional.json")

/// Runs the `F` operator a fixture case names, with the case's arguments.
func functionalOp(_ c: FixtureCase, _ x: [Tensor]) -> [Tensor] {
    var reduction: F.Reduction { F.Reduction(rawValue: c.args["reduction"]?.string ?? "mean")! }
    let optional = { (i: Int) -> Tensor? in i < x.count ? x[i] : nil }
    switch c.op {
    case "relu": return [F.relu(x[0])]
    case "relu6": return [F.relu6(x[0])]
    case "leakyRelu": return [F.leakyRelu(x[0], negativeSlope: c.arg("negativeSlope").double)]
    case "elu": return [F.elu(x[0], alpha: c.arg("alpha").double)]
    case "gelu": return [F.gelu(x[0], approximate: c.arg("approximate").string)]
    case "silu": return [F.silu(x[0])]
    case "sigmoid": return [F.sigmoid(x[0])]
    case "tanh": return [F.tanh(x[0])]
    case "hardtanh": return [F.hardtanh(x[0], minVal: c.arg("minVal").double, maxVal: c.arg("maxVal").double)]
    case "softplus": return [F.softplus(x[0], beta: c.arg("beta").double, threshold: c.arg("threshold").double)]
    case "softmax": return [F.softmax(x[0], dim: c.arg("dim").int)]
    case "logSoftmax": return [F.logSoftmax(x[0], dim: c.arg("dim").int)]
    case "linear": return [F.linear(x[0], x[1], optional(2))]
    case "batchNorm":
        let y = F.batchNorm(x[0], runningMean: x[1], runningVar: x[2], weight: x[3], bias: x[4],
                            training: c.arg("training").bool, momentum: c.arg("momentum").double, eps: c.arg("eps").double)
        return [y, x[1], x[2]]
    case "batchNormSteps":
        let runningMean = Tensor.zeros(3), runningVar = Tensor.ones(3)
        let outs = x.map { F.batchNorm($0, runningMean: runningMean, runningVar: runningVar, training: true) }
        return [outs.last!, runningMean, runningVar]
    case "layerNorm":
        return [F.layerNorm(x[0], normalizedShape: c.arg("normalizedShape").ints, weight: optional(1), bias: optional(2),
                            eps: c.arg("eps").double)]
    case "groupNorm":
        return [F.groupNorm(x[0], numGroups: c.arg("numGroups").int, weight: optional(1), bias: optional(2),
                            eps: c.arg("eps").double)]
    case "crossEntropy":
        return [F.crossEntropy(x[0], x[1], weight: optional(2), ignoreIndex: c.arg("ignoreIndex").optionalInt ?? -100,
                               reduction: reduction, labelSmoothing: c.arg("labelSmoothing").optionalDouble ?? 0)]
    case "nllLoss": return [F.nllLoss(x[0], x[1], weight: optional(2), reduction: reduction)]
    case "mseLoss": return [F.mseLoss(x[0], x[1], reduction: reduction)]
    case "l1Loss": return [F.l1Loss(x[0], x[1], reduction: reduction)]
    case "huberLoss": return [F.huberLoss(x[0], x[1], reduction: reduction, delta: c.arg("delta").double)]
    case "smoothL1Loss": return [F.smoothL1Loss(x[0], x[1], reduction: reduction, beta: c.arg("beta").double)]
    case "binaryCrossEntropy": return [F.binaryCrossEntropy(x[0], x[1], weight: optional(2), reduction: reduction)]
    case "binaryCrossEntropyWithLogits":
        return [F.binaryCrossEntropyWithLogits(x[0], x[1], weight: optional(2), reduction: reduction, posWeight: optional(3))]
    case "klDiv":
        return [F.klDiv(x[0], x[1], reduction: F.KLDivReduction(rawValue: c.arg("reduction").string)!,
                        logTarget: c.arg("logTarget").bool)]
    case "embedding": return [F.embedding(x[0], x[1], paddingIdx: c.arg("paddingIdx").optionalInt)]
    case "oneHot": return [F.oneHot(x[0], numClasses: c.arg("numClasses").optionalInt ?? -1)]
    case "pad": return [F.pad(x[0], c.arg("pad").ints, mode: c.arg("mode").string, value: c.arg("value").optionalDouble ?? 0)]
    case "interpolate":
        let alignCorners = c.arg("alignCorners")
        return [F.interpolate(x[0], size: c.arg("size").optionalInts,
                              scaleFactor: c.arg("scaleFactor").isNull ? nil : c.arg("scaleFactor").array.map(\.double),
                              mode: c.arg("mode").string, alignCorners: alignCorners.isNull ? nil : alignCorners.bool)]
    default: fatalError("unknown functional op \(c.op)")
    }
}

/// `sum(t * w)` with fixed pseudo-random `w`: a scalar summary of a large output, so a gradient
/// check costs one backward instead of one per output element.
func weightedSum(_ t: Tensor) -> Tensor {
    (t * Tensor.randn(t.shape, dtype: t.dtype, generator: Generator(seed: 77))).sum()
}

/// A float64 constant (no grad) drawn like `gcInput`.
func gcConstant(_ shape: [Int], _ domain: GCDomain = .real, seed: UInt64 = 5) -> Tensor {
    gcInput(shape, domain, seed: seed).detach()
}

let activationGradCases: [GradCase] = [
    GradCase("relu", { [gcInput([2, 3], .kinks)] }) { F.relu($0[0]) },
    GradCase("relu6", { [gcInput([2, 3], .kinks)] }) { F.relu6($0[0] * 4.0) },
    GradCase("leakyRelu", { [gcInput([2, 3], .kinks)] }) { F.leakyRelu($0[0], negativeSlope: 0.2) },
    GradCase("elu", { [gcInput([2, 3], .kinks)] }) { F.elu($0[0], alpha: 1.5) },
    GradCase("gelu", { [gcInput([2, 3])] }) { F.gelu($0[0]) },
    GradCase("gelu tanh", { [gcInput([2, 3])] }) { F.gelu($0[0], approximate: "tanh") },
    GradCase("silu", { [gcInput([2, 3])] }) { F.silu($0[0]) },
    GradCase("sigmoid", { [gcInput([2, 3])] }) { F.sigmoid($0[0]) },
    GradCase("tanh", { [gcInput([2, 3])] }) { F.tanh($0[0]) },
    GradCase("hardtanh", { [gcInput([2, 3], .kinks)] }) { F.hardtanh($0[0], minVal: -0.5, maxVal: 0.8) },
    GradCase("softplus", { [gcInput([2, 3], .kinks)] }) { F.softplus($0[0], beta: 2, threshold: 1.5) },
    GradCase("softmax dim 1", { [gcInput([2, 3])] }) { F.softmax($0[0], dim: 1) },
    GradCase("softmax dim 0 transposed", { [gcInput([3, 2])] }) { F.softmax($0[0].t(), dim: 0) },
    GradCase("logSoftmax dim -1", { [gcInput([2, 3])] }) { F.logSoftmax($0[0], dim: -1) },
    GradCase("logSoftmax 3-D dim 1", { [gcInput([2, 2, 2])] }) { F.logSoftmax($0[0], dim: 1) },
    doubleBackwardCase("softmax twice", outShape: [2, 3], { [gcInput([2, 3])] }) { $0[0].softmax(dim: 1) },
    doubleBackwardCase("logSoftmax twice", outShape: [2, 3], { [gcInput([2, 3])] }) { $0[0].logSoftmax(dim: 0) },
]

let layerGradCases: [GradCase] = [
    GradCase("linear", { [gcInput([2, 3]), gcInput([4, 3], seed: 2), gcInput([4], seed: 3)] }) { F.linear($0[0], $0[1], $0[2]) },
    GradCase("linear 3-D no bias", { [gcInput([2, 2, 3]), gcInput([2, 3], seed: 2)] }) { F.linear($0[0], $0[1]) },
    GradCase("dropout", { [gcInput([2, 3])] }) { F.dropout($0[0], p: 0.4, generator: Generator(seed: 3)) },
    GradCase("dropout2d", { [gcInput([2, 3, 2, 2])] }) {
        weightedSum(F.dropout2d($0[0], p: 0.5, generator: Generator(seed: 4)))
    },
    GradCase("batchNorm training (N, C, L)", { [gcInput([3, 2, 2]), gcInput([2], .positive, seed: 2), gcInput([2], seed: 3)] }) {
        weightedSum(F.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true))
    },
    // Planes of 25: the plane-wise kernels with whole vectors and a tail (the others are column-wise).
    GradCase("batchNorm training (N, C, H, W) planes", { [gcInput([2, 2, 5, 5]), gcInput([2], .positive, seed: 2), gcInput([2], seed: 3)] }) {
        weightedSum(F.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true))
    },
    GradCase("batchNorm training (N, C)", { [gcInput([4, 2])] }) {
        weightedSum(F.batchNorm($0[0], runningMean: Tensor.zeros([2], dtype: .float64),
                                runningVar: Tensor.ones([2], dtype: .float64), training: true))
    },
    GradCase("batchNorm eval", { [gcInput([2, 2, 2, 2]), gcInput([2], .positive, seed: 2), gcInput([2], seed: 3)] }) {
        weightedSum(F.batchNorm($0[0], runningMean: gcConstant([2]), runningVar: gcConstant([2], .positive),
                                weight: $0[1], bias: $0[2]))
    },
    GradCase("layerNorm", { [gcInput([2, 3, 2]), gcInput([3, 2], .positive, seed: 2), gcInput([3, 2], seed: 3)] }) {
        weightedSum(F.layerNorm($0[0], normalizedShape: [3, 2], weight: $0[1], bias: $0[2]))
    },
    GradCase("groupNorm", { [gcInput([2, 4, 2]), gcInput([4], .positive, seed: 2), gcInput([4], seed: 3)] }) {
        weightedSum(F.groupNorm($0[0], numGroups: 2, weight: $0[1], bias: $0[2]))
    },
    doubleBackwardCase("layerNorm twice", outShape: [2, 3], { [gcInput([2, 3])] }) {
        F.layerNorm($0[0], normalizedShape: [3])
    },
    doubleBackwardCase("batchNorm training twice", outShape: [3, 2, 2], {
        [gcInput([3, 2, 2]), gcInput([2], .positive, seed: 2), gcInput([2], seed: 3)]
    }) {
        F.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true)
    },
    doubleBackwardCase("batchNorm eval twice", outShape: [3, 2, 2], { [gcInput([3, 2, 2]), gcInput([2], .positive, seed: 2)] }) {
        F.batchNorm($0[0], runningMean: gcConstant([2]), runningVar: gcConstant([2], .positive), weight: $0[1], training: false)
    },
    GradCase("embedding", { [gcInput([4, 3])] }) {
        weightedSum(F.embedding(gcIndex([0, 2, 3, 2, 1, 0], [2, 3]), $0[0]))
    },
    GradCase("pad constant", { [gcInput([1, 2, 3])] }) { weightedSum(F.pad($0[0], [1, -1, 2, 0], value: 0.5)) },
    GradCase("pad reflect", { [gcInput([1, 1, 3, 3])] }) { weightedSum(F.pad($0[0], [2, 1, 1, 2], mode: "reflect")) },
    GradCase("pad replicate", { [gcInput([1, 2, 3])] }) { weightedSum(F.pad($0[0], [2, 3], mode: "replicate")) },
    GradCase("pad circular", { [gcInput([1, 1, 2, 3])] }) { weightedSum(F.pad($0[0], [1, 2, 2, 0], mode: "circular")) },
    GradCase("interpolate nearest", { [gcInput([1, 2, 2, 3])] }) {
        weightedSum(F.interpolate($0[0], size: [3, 5]))
    },
    GradCase("interpolate bilinear", { [gcInput([1, 1, 3, 3])] }) {
        weightedSum(F.interpolate($0[0], size: [4, 5], mode: "bilinear", alignCorners: false))
    },
    GradCase("interpolate bilinear align corners, scale", { [gcInput([1, 1, 3, 2])] }) {
        weightedSum(F.interpolate($0[0], scaleFactor: [1.5, 2], mode: "bilinear", alignCorners: true))
    },
]

let lossGradCases: [GradCase] = [
    GradCase("crossEntropy weight, ignore, smoothing", { [gcInput([4, 3]), gcInput([3], .positive, seed: 2)] }) {
        F.crossEntropy($0[0], gcIndex([2, 0, -100, 1]), weight: $0[1], labelSmoothing: 0.2)
    },
    GradCase("crossEntropy spatial, sum", { [gcInput([2, 3, 2])] }) {
        F.crossEntropy($0[0], gcIndex([0, 2, 1, 1], [2, 2]), reduction: .sum)
    },
    GradCase("crossEntropy probabilities", { [gcInput([2, 3]), gcInput([2, 3], .positive, seed: 2), gcInput([3], .positive, seed: 3)] }) {
        F.crossEntropy($0[0], $0[1], weight: $0[2], labelSmoothing: 0.1)
    },
    doubleBackwardCase("crossEntropy twice", outShape: [], { [gcInput([3, 3])] }) {
        F.crossEntropy($0[0], gcIndex([1, 0, 2]))
    },
    GradCase("nllLoss weighted none", { [gcInput([3, 4]), gcInput([4], .positive, seed: 2)] }) {
        weightedSum(F.nllLoss($0[0], gcIndex([3, 0, 1]), weight: $0[1], ignoreIndex: 0, reduction: .none))
    },
    GradCase("mseLoss", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) { F.mseLoss($0[0], $0[1]) },
    GradCase("l1Loss", { [gcInput([2, 3], .kinks)] }) { F.l1Loss($0[0], Tensor.zeros([2, 3], dtype: .float64), reduction: .sum) },
    GradCase("huberLoss", { [gcInput([2, 3], .kinks)] }) {
        F.huberLoss($0[0], Tensor.zeros([2, 3], dtype: .float64), delta: 1.0)
    },
    GradCase("smoothL1Loss", { [gcInput([2, 3], .kinks)] }) {
        F.smoothL1Loss($0[0], Tensor.zeros([2, 3], dtype: .float64), beta: 0.5)
    },
    GradCase("binaryCrossEntropy", { [gcInput([2, 3], .uniform(0.1, 0.9)), gcInput([2, 3], .uniform(0, 1), seed: 2),
                                      gcInput([3], .positive, seed: 3)] }) {
        F.binaryCrossEntropy($0[0], $0[1], weight: $0[2])
    },
    doubleBackwardCase("binaryCrossEntropy twice", outShape: [], { [gcInput([2, 2], .uniform(0.1, 0.9))] }) {
        F.binaryCrossEntropy($0[0], gcConstant([2, 2], .uniform(0, 1)))
    },
    GradCase("binaryCrossEntropyWithLogits", { [gcInput([2, 3]), gcInput([2, 3], .uniform(0, 1), seed: 2),
                                                gcInput([3], .positive, seed: 3), gcInput([3], .positive, seed: 4)] }) {
        F.binaryCrossEntropyWithLogits($0[0], $0[1], weight: $0[2], posWeight: $0[3])
    },
    GradCase("klDiv batchmean", { [gcInput([2, 3]), gcInput([2, 3], .uniform(0.1, 1), seed: 2)] }) {
        F.klDiv($0[0], $0[1], reduction: .batchMean)
    },
    GradCase("klDiv logTarget", { [gcInput([2, 3]), gcInput([2, 3], seed: 2)] }) {
        F.klDiv($0[0], $0[1], reduction: .sum, logTarget: true)
    },
]

@Suite struct FunctionalTests {
    @Test(arguments: functionalFixtures.cases.filter { $0.value.op != "batchNormSteps" }.keys.sorted())
    func matchesPyTorch(_ name: String) {
        checkCase(name, in: functionalFixtures.cases, functionalOp)
    }

    @Test func batchNormRunningStatsOverThreeSteps() {
        checkCase("batchNorm_steps", in: functionalFixtures.cases, functionalOp)
    }

    @Test(arguments: activationGradCases) func activationGradients(_ c: GradCase) { c.check() }
    @Test(arguments: layerGradCases) func layerGradients(_ c: GradCase) { c.check() }
    @Test(arguments: lossGradCases) func lossGradients(_ c: GradCase) { c.check() }

    @Test func crossEntropyEndsInNllLossBackward() {
        let logits = Tensor.randn([3, 4], requiresGrad: true)
        let loss = F.crossEntropy(logits, Tensor([0, 1, 3]))
        #expect(loss.gradFn?.name == "NllLossBackward0")
        #expect(loss.gradFn?.nextFunctions.first??.name == "LogSoftmaxBackward0")
    }

    @Test func crossEntropyStaysFiniteOnExtremeLogits() {
        let logits = Tensor([[1e4, -1e4, 0], [-1e4, 1e4, 5e3]], requiresGrad: true)
        let loss = F.crossEntropy(logits, Tensor([1, 0]))
        loss.backward()
        #expect(loss.item().isFinite)
        #expect(Swift.abs(loss.item() - 2e4) < 1)
        #expect(logits.grad!.toDoubles().allSatisfy { $0.isFinite })
        #expect(F.logSoftmax(logits, dim: 1).toDoubles().allSatisfy { $0.isFinite })
    }

    @Test func softmaxOfAScalarIsOne() {
        #expect(F.softmax(Tensor(3.0), dim: 0).item() == 1)
        #expect(F.logSoftmax(Tensor(3.0), dim: -1).item() == 0)
        #expect(F.softmax(Tensor(3.0), dim: 0).shape == [])
    }

    @Test func embeddingPaddingRowGetsNoGradient() {
        let weight = Tensor.randn([4, 2], dtype: .float64, generator: Generator(seed: 1)).requiresGrad_()
        F.embedding(gcIndex([1, 3, 1, 0]), weight, paddingIdx: 1).sum().backward()
        #expect(weight.grad!.toDoubles() == [1, 1, 0, 0, 0, 0, 1, 1])
    }

    @Test func dropoutKeepsOrScales() {
        let x = Tensor.ones([1000])
        let y = F.dropout(x, p: 0.25, generator: Generator(seed: 9))
        let values = y.toDoubles()
        #expect(values.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.75) < 1e-6 })
        let dropped = Double(values.filter { $0 == 0 }.count) / 1000
        #expect(dropped > 0.2 && dropped < 0.3)
        #expect(F.dropout(x, p: 0.25, generator: Generator(seed: 9)).toDoubles() == values)
        #expect(F.dropout(x, p: 0.25, training: false) === x)
        #expect(F.dropout(x, p: 1).toDoubles().allSatisfy { $0 == 0 })
    }

    @Test func dropout2dDropsWholeChannels() {
        for shape in [[4, 8, 2, 3], [8, 2, 3]] {
            let y = F.dropout2d(Tensor.ones(shape), p: 0.5, generator: Generator(seed: 2))
            let channels = y.reshape([-1, 6]).toDoubles()
            var kinds = Set<Double>()
            for c in Swift.stride(from: 0, to: channels.count, by: 6) {
                let ch = Array(channels[c..<(c + 6)])
                #expect(Set(ch).count == 1, "channel mixes kept and dropped elements")
                kinds.insert(ch[0])
            }
            #expect(kinds == [0, 2])
        }
    }

    @Test func targetOutOfBounds() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.crossEntropy(Tensor.zeros(3, 5), Tensor([1, 2, 12]))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("Target 12 is out of bounds."))
        }
    }

    @Test func batchSizeMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.crossEntropy(Tensor.zeros(3, 5), Tensor([1, 2]))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("Expected input batch_size (3) to match target batch_size (2)."))
        }
    }

    @Test func linearShapeMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.linear(Tensor.zeros(2, 2, 3), Tensor.zeros(4, 5))
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self)
                .contains("mat1 and mat2 shapes cannot be multiplied (4x3 and 5x4)"))
        }
    }
}
