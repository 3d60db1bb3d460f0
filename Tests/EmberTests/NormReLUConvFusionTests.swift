import Testing
@testable import Ember

/// Batch norm, ReLU and a convolution run as one pass and one convolution in evaluation without
/// gradients (`Conv2d.afterNormReLU`, `Sequential`, `DenseBlock`): the same values as the layers
/// one after another, and the layers apart whenever something needs them.
@Suite struct NormReLUConvFusionTests {
    /// A batch norm with running statistics and affine parameters away from their defaults.
    static func evaluatingNorm(_ channels: Int, seed: UInt64) -> BatchNorm2d {
        let norm = BatchNorm2d(channels)
        let g = Generator(seed: seed)
        noGrad {
            norm.weight!.copy_(Tensor.randn([channels], generator: g))
            norm.bias!.copy_(Tensor.randn([channels], generator: g))
            norm.runningMean!.copy_(Tensor.randn([channels], generator: g) * 0.5)
            norm.runningVar!.copy_(Tensor.rand([channels], generator: g) + 0.5)
        }
        norm.eval()
        return norm
    }

    /// Channels that fill whole blocks of 8 and 16, one that pads AVX-512's last block, one below
    /// a block; maps whose pixels are and are not a multiple of 8; 3 × 3 and strided 1 × 1 kernels.
    @Test(arguments: [(16, 8, 6, 6, 3, 1), (24, 32, 5, 7, 3, 1), (40, 16, 9, 4, 1, 2), (12, 8, 4, 4, 3, 1)])
    func fusedMatchesTheLayersApart(_ cin: Int, _ cout: Int, _ h: Int, _ w: Int, _ k: Int, _ stride: Int) {
        manualSeed(11)
        let norm = Self.evaluatingNorm(cin, seed: 5)
        let conv = Conv2d(cin, cout, kernelSize: IntOrTuple(k), stride: IntOrTuple(stride), padding: .explicit([k / 2]))
        let x = Tensor.randn([3, cin, h, w])
        noGrad { x[0, 1, 2, 3] = Tensor(Float.nan) }
        let apart = noGrad { conv(norm(x).relu()) }
        let net = Sequential(norm, ReLU(), conv)
        net.eval()
        let fused = noGrad { net(x) }
        #expect(fused.shape == apart.shape)
        #expect(fused.toDoubles().map { $0.isNaN ? 1e300 : $0 } == apart.toDoubles().map { $0.isNaN ? 1e300 : $0 })
        if cin % 8 == 0 {
            // oneDNN reads 8- or 16-channel blocks here on any x86-64 it runs on: the fused op ran.
            #expect(noGrad { conv.afterNormReLU(x, norm) } != nil)
        }
    }

    /// Recording a gradient, training, or a hook on the convolution: the layers run apart.
    @Test func layersRunApartWhenNeeded() {
        let norm = Self.evaluatingNorm(16, seed: 6), conv = Conv2d(16, 8, kernelSize: 3, padding: 1)
        let x = Tensor.randn([2, 16, 5, 5])
        #expect(conv.afterNormReLU(x, norm) == nil)  // the convolution's weights require a gradient
        #expect(noGrad { conv.afterNormReLU(x, norm) } != nil)
        var seen: Tensor?
        let handle = conv.registerForwardHook { _, _, out in seen = out; return nil }
        let net = Sequential(norm, ReLU(), conv)
        net.eval()
        let y = noGrad { net(x) }
        #expect(seen.map { $0.equal(y) } == true)
        #expect(noGrad { conv.afterNormReLU(x, norm) } == nil)
        handle.remove()
        norm.train()
        #expect(noGrad { conv.afterNormReLU(x, norm) } == nil)
    }

    /// A dense block in evaluation writes its concatenation in place: the values of the layers
    /// run with their concatenations, also when a hooked layer stops the in-place run midway.
    @Test func denseBlockInPlaceMatchesTheConcatenations() {
        manualSeed(12)
        let block = DenseBlock(3, 16, 8)
        for (i, layer) in block.net.enumerated() {
            let norm = (layer as! Sequential)[0] as! BatchNorm2d, fresh = Self.evaluatingNorm(norm.numFeatures, seed: UInt64(20 + i))
            noGrad {
                for (a, b) in zip(norm.parameters() + norm.buffers(), fresh.parameters() + fresh.buffers()) { _ = a.copy_(b) }
            }
        }
        block.eval()
        let x = Tensor.randn([2, 16, 6, 6])
        let concatenated = block(x)  // the weights require gradients: the layers and concatenations
        #expect(concatenated.shape == [2, 40, 6, 6])
        #expect(concatenated.gradFn != nil)
        #expect(noGrad { block(x) }.equal(concatenated.detach()))
        let handle = ((block.net[1] as! Sequential)[2]).registerForwardHook { _, _, _ in nil }
        #expect(noGrad { block(x) }.equal(concatenated.detach()))
        handle.remove()
    }
}
