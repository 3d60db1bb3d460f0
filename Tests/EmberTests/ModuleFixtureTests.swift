import Testing
@testable import Ember

// Parameter names, state dict keys, parameter counts and printed forms of the textbook models
// and of single layers, checked against `Tests/Fixtures/modules.json` from real PyTorch
// (`/work/torchenv/bin/python scripts/fixtures/modules.py`, which builds the same models).

struct ModuleFixtures: Decodable {
    struct Model: Decodable {
        let repr: String
        let num_parameters: Int
        let parameters: [[JSONValue]]
        let buffers: [[JSONValue]]
        let state_dict: [[JSONValue]]
    }
    let torch: String
    let models: [String: Model]
    let layers: [String: String]
}

let moduleFixtures: ModuleFixtures = loadFixtures("modules.json")

/// The custom module of the fixture script: children of several kinds and a parameter of its own.
final class Custom: Module {
    let conv = Sequential(Conv2d(3, 8, kernelSize: 3, stride: 2, padding: 1, bias: false), BatchNorm2d(8),
                          LeakyReLU(negativeSlope: 0.2))
    let pool = AdaptiveAvgPool2d([1, 1])
    let fc = Sequential(Linear(8, 32), GELU(), Dropout(p: 0.1), Linear(32, 4))
    @Child var hidden = Linear(4, 4)
    let heads = ModuleList([Linear(4, 2), Linear(4, 2), Linear(4, 2), Linear(4, 3)])
    @Parameter var scale = Tensor.ones([1])
}

/// The fixture script's models, built the Ember way.
let textbookModels: [String: @Sendable () -> Module] = [
    "mlp": { Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10)) },
    "lenet": {
        Sequential {
            Conv2d(1, 6, 5); ReLU(); AvgPool2d(2, stride: 2)
            Conv2d(6, 16, 5); ReLU(); AvgPool2d(2, stride: 2)
            Flatten(); Linear(400, 120); ReLU(); Linear(120, 84); ReLU(); Linear(84, 10)
        }
    },
    "bn_lenet": {
        Sequential(Conv2d(1, 6, kernelSize: 5), BatchNorm2d(6), Sigmoid(), AvgPool2d(2, stride: 2),
                   Conv2d(6, 16, kernelSize: 5), BatchNorm2d(16), Sigmoid(), AvgPool2d(2, stride: 2), Flatten(),
                   Linear(256, 120), BatchNorm1d(120), Sigmoid(), Linear(120, 84), BatchNorm1d(84), Sigmoid(),
                   Linear(84, 10))
    },
    "nested": {
        Sequential([
            ("features", Sequential(Conv2d(3, 16, kernelSize: 3, padding: 1), ReLU(inplace: true), MaxPool2d(2))),
            ("classifier", Sequential([("fc1", Linear(16 * 16 * 16, 64)), ("act", ReLU()), ("drop", Dropout(p: 0.5)),
                                       ("fc2", Linear(64, 10))])),
        ])
    },
    "custom": { Custom() },
]

/// The fixture script's single layers and containers.
let fixtureLayers: [String: @Sendable () -> Module] = [
    "linear_nobias": { Linear(3, 4, bias: false) },
    "bilinear": { Bilinear(2, 3, 4) },
    "identity": { Identity() },
    "flatten": { Flatten(startDim: 0, endDim: 2) },
    "unflatten": { Unflatten(dim: 1, unflattenedSize: [2, 5]) },
    "conv1d": { Conv1d(4, 8, kernelSize: 3, stride: 2, padding: 1, dilation: 2, groups: 2, bias: false) },
    "conv2d_same": { Conv2d(3, 6, kernelSize: [3, 5], padding: .same, paddingMode: "reflect") },
    "conv_transpose2d": { ConvTranspose2d(16, 6, kernelSize: 5, stride: 2, padding: 1, outputPadding: 1) },
    "maxpool1d": { MaxPool1d(3, stride: 2, padding: 1) },
    "maxpool2d": { MaxPool2d([2, 3], ceilMode: true) },
    "avgpool1d": { AvgPool1d(2) },
    "avgpool2d": { AvgPool2d(3, stride: 2, padding: 1) },
    "adaptive_avg": { AdaptiveAvgPool2d([5, 7]) },
    "adaptive_max": { AdaptiveMaxPool2d(1) },
    "batchnorm1d": { BatchNorm1d(10, eps: 1e-3, momentum: nil, affine: false) },
    "batchnorm2d": { BatchNorm2d(3, momentum: 0.01, trackRunningStats: false) },
    "layernorm": { LayerNorm([4, 5], elementwiseAffine: false) },
    "groupnorm": { GroupNorm(2, 6, eps: 1e-6) },
    "dropout": { Dropout(p: 0.25, inplace: true) },
    "dropout2d": { Dropout2d() },
    "embedding": { Embedding(10, 3, paddingIdx: -1) },
    "relu_inplace": { ReLU(inplace: true) },
    "relu6": { ReLU6() },
    "leaky_relu": { LeakyReLU(negativeSlope: 0.2, inplace: true) },
    "selu": { SELU(inplace: true) },
    "celu": { CELU(alpha: 2) },
    "hardsigmoid": { Hardsigmoid() },
    "hardswish": { Hardswish() },
    "mish": { Mish() },
    "softsign": { Softsign() },
    "tanhshrink": { Tanhshrink() },
    "softmin": { Softmin(dim: 1) },
    "glu": { GLU() },
    "prelu": { PReLU(numParameters: 3) },
    "threshold": { Threshold(0.1, 20) },
    "hardshrink": { Hardshrink() },
    "softshrink": { Softshrink(lambd: 1) },
    "conv3d": { Conv3d(2, 3, kernelSize: [2, 3, 2]) },
    "conv3d_params": { Conv3d(4, 2, kernelSize: 3, stride: 2, padding: 1, groups: 2, bias: false) },
    "conv_transpose1d": { ConvTranspose1d(3, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1) },
    "conv_transpose3d": { ConvTranspose3d(2, 3, kernelSize: 2) },
    "pixel_shuffle": { PixelShuffle(2) },
    "pixel_unshuffle": { PixelUnshuffle(2) },
    "unfold": { Unfold([2, 3], dilation: [1, 2], padding: 1, stride: [2, 1]) },
    "fold": { Fold(outputSize: [4, 5], kernelSize: 2) },
    "instance_norm2d": { InstanceNorm2d(3, affine: true) },
    "instance_norm3d": { InstanceNorm3d(3, trackRunningStats: true) },
    "local_response_norm": { LocalResponseNorm(3) },
    "instance_norm1d": { InstanceNorm1d(4, eps: 1e-3, momentum: 0.2, affine: true) },
    "instance_norm1d_default": { InstanceNorm1d(5) },
    "cosine_similarity": { CosineSimilarity(dim: 0, eps: 1e-6) },
    "pairwise_distance": { PairwiseDistance(p: 1, keepDim: true) },
    "upsample": { Upsample(scaleFactor: 2) },
    "upsample_size": { Upsample(size: [3, 4], mode: "bilinear", alignCorners: true) },
    "upsample_size_int": { Upsample(size: 5, mode: "linear") },
    "upsample_scales": { Upsample(scaleFactor: [2, 1.5], mode: "bicubic") },
    "embedding_bag": { EmbeddingBag(10, 3) },
    "embedding_bag_sum": { EmbeddingBag(10, 3, mode: .sum, paddingIdx: 2) },
    "max_pool3d": { MaxPool3d([3, 2, 2], stride: [2, 1, 2], padding: 1) },
    "avg_pool3d": { AvgPool3d(2) },
    "adaptive_avg_pool1d": { AdaptiveAvgPool1d(3) },
    "adaptive_avg_pool3d": { AdaptiveAvgPool3d([2, 3, 4]) },
    "adaptive_max_pool1d": { AdaptiveMaxPool1d(4) },
    "max_unpool2d": { MaxUnpool2d(2) },
    "lp_pool1d": { LPPool1d(3, 3, stride: 2) },
    "lp_pool2d": { LPPool2d(2, 2) },
    "elu": { ELU() },
    "gelu_tanh": { GELU(approximate: "tanh") },
    "silu": { SiLU() },
    "sigmoid": { Sigmoid() },
    "tanh": { Tanh() },
    "hardtanh": { Hardtanh(minVal: -2, maxVal: 2.5) },
    "softplus": { Softplus() },
    "softmax": { Softmax(dim: 1) },
    "log_softmax": { LogSoftmax(dim: -1) },
    "cross_entropy": { CrossEntropyLoss(labelSmoothing: 0.1) },
    "mse": { MSELoss() },
    "kl_div": { KLDivLoss(reduction: .batchMean) },
    "module_list": { ModuleList([Linear(2, 2), Linear(2, 2), ReLU(), Linear(2, 2)]) },
    "module_list_empty": { ModuleList() },
    "module_dict": { ModuleDict([("conv", Conv2d(1, 2, 3)), ("act", ReLU())]) },
    "parameter_list": { ParameterList([Tensor.zeros(3, 4), Tensor.zeros(5)]) },
    "parameter_list_one": { ParameterList([Tensor.zeros(2)]) },
    "parameter_dict": { ParameterDict([("a", Tensor.zeros(2, 2)), ("b", Tensor.zeros([3], dtype: .float64))]) },
    "sequential_slice": { Sequential(Linear(1, 2), ReLU(), Linear(2, 3), Tanh())[1..<3] },
]

@Suite struct ModuleFixtureTests {
    /// Keys and shapes as the fixture lists them.
    private func keyed(_ rows: [[JSONValue]]) -> [String] {
        rows.map { "\($0[0].string) \($0[1].ints)" }
    }
    private func keyed(_ pairs: [(String, Tensor)]) -> [String] { pairs.map { "\($0.0) \($0.1.shape)" } }

    @Test(arguments: textbookModels.keys.sorted())
    func textbookModel(_ name: String) {
        let expected = moduleFixtures.models[name]!
        let model = textbookModels[name]!()
        #expect(model.description == expected.repr)
        #expect(keyed(model.namedParameters()) == keyed(expected.parameters))
        #expect(keyed(model.namedBuffers()) == keyed(expected.buffers))
        #expect(keyed(model.stateDict().items.map { ($0.key, $0.value) }) == keyed(expected.state_dict))
        #expect(model.numParameters() == expected.num_parameters)
    }

    @Test func everyFixtureLayerIsBuilt() {
        #expect(Set(fixtureLayers.keys) == Set(moduleFixtures.layers.keys))
    }

    @Test(arguments: fixtureLayers.keys.sorted())
    func layerPrintsLikePyTorch(_ name: String) {
        #expect(fixtureLayers[name]!().description == moduleFixtures.layers[name]!)
    }
}
