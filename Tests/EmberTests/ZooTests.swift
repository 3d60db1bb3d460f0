import Foundation
import Testing
@testable import Ember

// The model zoo against PyTorch (`Tests/Fixtures/zoo.json`, written by `scripts/fixtures/zoo.py`
// from `shared/bench/torch_ref.py`'s definitions and torchvision's): state-dict keys and shapes,
// parameter counts, output shapes, and logits in eval and train mode for weights both sides fill
// with the same closed formula.

struct ZooFixtures: Decodable {
    struct Model: Decodable {
        let state_dict: [[JSONValue]]
        let num_parameters: Int
        let input: [Int]
        let output_shape: [Int]
        let eval_logits: [Double]
        let train_logits: [Double]
        let running_sum: Double
    }
    let models: [String: Model]
}

let zooFixtures: ZooFixtures = loadFixtures("zoo.json")

/// The fixture's models, built from the library (`tv_` ones in torchvision's layout, two input
/// channels, as the fixture script replaces their first convolution).
let zooModels: [String: @Sendable () -> Module] = [
    "lenet": { LeNet() }, "alexnet": { AlexNet() }, "vgg11": { VGG() }, "nin": { NiN() },
    "googlenet": { GoogLeNet() }, "resnet18": { ResNet() }, "densenet": { DenseNet() },
    "mobilenet_v2": { MobileNetV2() },
    "tv_resnet18": { TorchVision.resnet18(inChannels: 2, numClasses: 10) },
    "tv_resnet34": { TorchVision.resnet34(inChannels: 2, numClasses: 10) },
    "tv_resnet50": { TorchVision.resnet50(inChannels: 2, numClasses: 10) },
    "tv_mobilenet_v2": { TorchVision.MobileNetV2(inChannels: 2, numClasses: 10) },
]

/// The fixture script's `noise`: `count` values in [-1, 1) from murmur3's finalizer of
/// `index · 2^20 + k`, exact in float32, each passed through `transform` and written at `out`.
func zooNoise(_ count: Int, _ index: Int, into out: UnsafeMutablePointer<Float>, _ transform: (Float) -> Float = { $0 }) {
    for k in 0..<count {
        var h = UInt32(truncatingIfNeeded: index << 20 + k)
        h ^= h >> 16
        h &*= 0x85EB_CA6B
        h ^= h >> 13
        h &*= 0xC2B2_AE35
        h ^= h >> 16
        out[k] = transform(Float(Double(h >> 8) * 0x1p-23 - 1))
    }
}

/// The fixture script's `fill` of state-dict entry number `index`, by what its key names, into
/// the float32 tensor `value` (or the step count `num_batches_tracked`).
func zooFill(_ index: Int, _ key: String, _ value: Tensor) {
    let n = value.numel, shape = value.shape
    // The script's float64 arithmetic rounded once to float32: exact for these affine maps of
    // 24-bit values except in the last place, well inside the logits' tolerance.
    let transform: (Float) -> Float
    switch key.split(separator: ".").last.map(String.init) ?? key {
    case "num_batches_tracked":
        value.fill_(Double(index % 7))
        return
    case "running_var": transform = { Float(1.25 + 0.5 * Double($0)) }
    case "running_mean", "bias": transform = { Float(0.1 * Double($0)) }
    default:
        let scale = (6 / Double(n / shape[0])).squareRoot()
        transform = shape.count == 1 ? { Float(1 + 0.1 * Double($0)) } : { Float(Double($0) * scale) }
    }
    zooNoise(n, index, into: value.pointer(as: Float.self), transform)
    value.bumpVersion()
}

@Suite("Model zoo") struct ZooTests {
    /// One test per model (building AlexNet or VGG is most of a debug-build test's time): its
    /// keys, shapes and parameter count, then its logits for the fixture's weights and input.
    @Test("structure and logits are PyTorch's, in eval and train mode", arguments: zooModels.keys.sorted())
    func model(_ name: String) {
        let expected = zooFixtures.models[name]!, model = withOwnGenerator(zooModels[name]!)
        let keys = model.stateDict().items.map { "\($0.key) \($0.value.shape)" }
        #expect(keys == expected.state_dict.map { "\($0[0].string) \($0[1].array.map(\.int))" })
        #expect(model.parameters().reduce(0) { $0 + $1.numel } == expected.num_parameters)
        noGrad {
            for (i, (key, value)) in model.stateDict().items.enumerated() { zooFill(i, key, value) }
        }
        let x = Tensor.empty(expected.input)
        zooNoise(x.numel, 4095, into: x.pointer(as: Float.self))
        let (evalOut, trainOut) = noGrad { () -> (Tensor, Tensor) in
            model.eval()
            let e = model(x)
            model.train()
            for m in model.modules() where m is DropoutBase { m.eval() }
            return (e, model(x))
        }
        #expect(evalOut.shape == expected.output_shape)
        expectClose(evalOut.toDoubles(), expected.eval_logits, "\(name) eval")
        expectClose(trainOut.toDoubles(), expected.train_logits, "\(name) train")
        let running = model.namedBuffers().filter { $0.0.hasSuffix("running_mean") || $0.0.hasSuffix("running_var") }
            .reduce(0.0) { $0 + $1.1.toDoubles().reduce(0, +) }
        #expect(Swift.abs(running - expected.running_sum) <= 1e-4 * Swift.max(1, Swift.abs(expected.running_sum)),
                "\(name) running statistics")
    }

    /// Float32 through a deep network: within 1e-3 of the largest logit.
    private func expectClose(_ actual: [Double], _ expected: [Double], _ label: String) {
        let scale = Swift.max(1, expected.map(Swift.abs).max() ?? 1)
        let worst = zip(actual, expected).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(actual.count == expected.count && worst <= 1e-3 * scale, "\(label): worst difference \(worst) at scale \(scale)")
    }
}
