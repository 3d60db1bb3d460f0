import Testing
@testable import Ember

// conv1d, conv2d and conv_transpose2d against PyTorch: forward values and the input, weight and bias
// gradients for a fixed upstream gradient (`Tests/Fixtures/convolution.json`, from
// `scripts/fixtures/convolution.py`), and the messages of misuse pinned by exit tests.

struct ConvolutionFixtures: Sendable, Decodable {
    let torch: String
    let cases: [String: FixtureCase]
}

let convolutionFixtures: ConvolutionFixtures = loadFixtures("convolution.json")

/// float32 goes through oneDNN, which accumulates in another order than PyTorch: 1e-4 relative.
func convolutionTolerance(_ dtype: DType) -> Double? {
    dtype == .float32 ? 1e-4 : relativeTolerance(dtype)
}

/// Runs the case's operator with its PyTorch arguments.
func runConvolution(_ c: FixtureCase, _ x: Tensor, _ w: Tensor, _ b: Tensor?) -> Tensor {
    let a = c.args
    let stride = a["stride"]?.intList ?? [1], dilation = a["dilation"]?.intList ?? [1]
    let groups = a["groups"]?.int ?? 1
    let padding: ConvPadding = switch a["padding"] {
    case .string("same")?: .same
    case .string("valid")?: .valid
    case let p?: .explicit(p.intList)
    case nil: 0
    }
    switch c.op {
    case "conv2d":
        return F.conv2d(x, w, b, stride: stride, padding: padding, dilation: dilation, groups: groups)
    case "conv1d":
        return F.conv1d(x, w, b, stride: stride[0], padding: padding, dilation: dilation[0], groups: groups)
    case "conv_transpose2d":
        return F.convTranspose2d(x, w, b, stride: stride, padding: a["padding"]?.intList ?? [0],
                                 outputPadding: a["output_padding"]?.intList ?? [0], groups: groups, dilation: dilation)
    default:
        fatalError("unknown convolution op \(c.op)")
    }
}

@Suite struct ConvolutionFixtureTests {
    static let caseNames = convolutionFixtures.cases.keys.sorted()

    @Test(arguments: caseNames)
    func matchesPyTorch(_ name: String) {
        checkCase(name, in: convolutionFixtures.cases, tolerance: convolutionTolerance) { _, inputs in
            let leaves = inputs.dropLast().map { $0.detach().requiresGrad_() }
            let out = runConvolution(convolutionFixtures.cases[name]!, leaves[0], leaves[1], leaves.count == 3 ? leaves[2] : nil)
            let grads = autograd.grad(outputs: [out], inputs: leaves, gradOutputs: [inputs.last!])
            return [out] + grads.map { $0! }
        }
    }

    @Test func permutedCasesAreStrided() {
        for (name, c) in convolutionFixtures.cases where c.args["perm"] != nil {
            let x = c.inputs[0].make().permute(c.args["perm"]!.array[0].ints)
            #expect(!x.isContiguous, "\(name)")
        }
    }
}

/// PyTorch's wording for misused convolutions (torch 2.15).
@Suite struct ConvolutionErrorTests {
    @Test func mismatchedChannels() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.ones(2, 3, 32, 32), Tensor.ones(6, 1, 5, 5))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Given groups=1, weight of size [6, 1, 5, 5], expected input[2, 3, 32, 32] to have 1 channels, but got 3 channels instead"))
        }
    }

    @Test func mismatchedChannelsConv1d() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv1d(Tensor.ones(2, 8), Tensor.ones(6, 1, 5))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Given groups=1, weight of size [6, 1, 5], expected input[1, 2, 8] to have 1 channels, but got 2 channels instead"))
        }
    }

    @Test func groupsNotDividingOutputChannels() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.ones(1, 4, 4, 4), Tensor.ones(6, 1, 3, 3), groups: 4)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            // PyTorch prints this weight size in double brackets.
            #expect(text.contains("Given groups=4, expected weight to be divisible by 4 at dimension 0, but got weight of size [[6, 1, 3, 3]] instead"))
        }
    }

    @Test func kernelLargerThanPaddedInput() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.ones(1, 1, 2, 2), Tensor.ones(6, 1, 5, 5), padding: 1)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size"))
        }
    }

    @Test func dilatedKernelLargerThanInputConv1d() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv1d(Tensor.ones(1, 1, 4), Tensor.ones(6, 1, 3), dilation: 2)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Calculated padded input size per channel: (4). Kernel size: (5). Kernel size can't be greater than actual input size"))
        }
    }

    @Test func transposedOutputTooSmall() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.convTranspose2d(Tensor.ones(1, 2, 3, 3), Tensor.ones(2, 3, 3, 3), padding: [1, 4])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Given input size per channel: (3 x 3). Calculated output size per channel: (3 x -3). Output size is too small"))
        }
    }

    @Test func transposedOutputEmpty() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.convTranspose2d(Tensor.ones(1, 2, 2, 2), Tensor.ones(2, 3, 1, 1), padding: [1])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Given input size per channel: (2 x 2). Calculated output size per channel: (0 x 0). Output size is too small"))
        }
    }

    @Test func conv2dInputRank() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.ones(1, 1, 3, 3, 3), Tensor.ones(6, 1, 1, 1))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 1, 3, 3, 3]"))
        }
    }

    @Test func samePaddingWithStride() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.ones(1, 3, 8, 8), Tensor.ones(6, 3, 3, 3), stride: [2], padding: .same)
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("padding='same' is not supported for strided convolutions"))
        }
    }
}
