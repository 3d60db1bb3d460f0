/// A float32 convolution of Ember's own, for the shapes where it measured faster than oneDNN's
/// primitives: all three passes on plain NCHW buffers. `token` numbers one output gradient
/// across the two backward passes of a step, for kernels that share its copy between them.
protocol OwnConvKernel: AnyObject {
    func forward(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                 _ dst: UnsafeMutablePointer<Float>)
    func backwardData(_ diffDst: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ diffSrc: UnsafeMutablePointer<Float>,
                      token: Int?)
    func backwardWeights(_ src: UnsafePointer<Float>, _ diffDst: UnsafePointer<Float>, _ diffWeights: UnsafeMutablePointer<Float>,
                         _ diffBias: UnsafeMutablePointer<Float>?, token: Int?)
}

/// `sums[c]` = the sum of channel `c` of an NCHW buffer (`n` images of `channels × pixels`): a
/// convolution's bias gradient.
func channelSums(_ x: UnsafePointer<Float>, n: Int, channels: Int, pixels: Int, _ sums: UnsafeMutablePointer<Float>) {
    parallelFor(channels, costPerItem: n * pixels) { range in
        for c in range {
            var s: Float = 0
            for i in 0..<n { for p in 0..<pixels { s += x[(i * channels + c) * pixels + p] } }
            sums[c] = s
        }
    }
}
