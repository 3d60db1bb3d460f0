import CDNNL
import Foundation

/// oneDNN primitives for one convolution geometry, created on first use and cached for the
/// process, so a training loop builds them once. Each keeps the layouts the primitive chose and
/// scratch buffers for the reordered data. Shared across threads (two models with the same layer
/// shape, tests running in parallel), so every run holds the plan's lock: uncontended in a
/// training loop, and it keeps the scratch buffers and lazily built primitives consistent.
final class ConvPlan: @unchecked Sendable {
    let geometry: ConvGeometry
    private let lock = NSLock()
    private var forwardPD: dnnl_primitive_desc_t?
    private var forward: (prim: dnnl_primitive_t, src: DNNLLayout, weights: DNNLLayout, dst: DNNLLayout,
                          scratchpad: dnnl_memory_desc_t)?
    private var backwardData: (prim: dnnl_primitive_t, diffSrc: DNNLLayout, weights: DNNLLayout, diffDst: DNNLLayout,
                               scratchpad: dnnl_memory_desc_t)?
    private var backwardWeights: (prim: dnnl_primitive_t, src: DNNLLayout, diffWeights: DNNLLayout, diffDst: DNNLLayout,
                                  scratchpad: dnnl_memory_desc_t)?
    /// The scratch buffers of the current run by role, from `ScratchPool`; given back when the run
    /// ends, but for a reordered output gradient the other backward pass may reuse.
    private var scratch: [Int: (pointer: UnsafeMutableRawPointer, size: Int)] = [:]
    /// The output gradient last reordered by a backward primitive: the caller's token for that
    /// gradient, its layout and the slot holding it, so the other backward primitive of the same
    /// step can reuse it instead of reordering again. Kept until that reuse or the next forward.
    private var reorderedDiffDst: (token: Int, layout: dnnl_memory_desc_t, slot: Int)?

    private static let cache = PlanCache<ConvGeometry, ConvPlan>(ConvPlan.init)

    /// The cached plan for `geometry`.
    static func plan(_ geometry: ConvGeometry) -> ConvPlan { cache.plan(geometry) }

    init(_ g: ConvGeometry) { geometry = g }

    deinit {
        scratch.values.forEach(ScratchPool.give)
    }

    /// Gives back the run's scratch buffers, all but a reordered output gradient kept for reuse.
    private func endRun() {
        for (slot, b) in scratch where slot != reorderedDiffDst?.slot {
            ScratchPool.give(b)
            scratch[slot] = nil
        }
    }

    private var dims: (strides: [Int64], dilates: [Int64], padL: [Int64], padR: [Int64]) {
        let g = geometry
        return (g.stride.map { Int64($0) } + pad, g.dilation.map { Int64($0 - 1) } + pad,
                g.padL.map { Int64($0) } + pad, g.padR.map { Int64($0) } + pad)
    }
    private var pad: [Int64] { [Int64](repeating: 0, count: 10) }

    private func forwardDesc() -> dnnl_convolution_desc_t {
        let g = geometry
        var src = g.activationDesc(g.srcDims), wei = DNNL.anyDesc(g.weightDims, g.dtype)
        var bias = DNNL.plainDesc([g.cout], g.dtype), dst = g.activationDesc(g.dstDims)
        var desc = dnnl_convolution_desc_t()
        var (s, d, l, r) = dims
        DNNL.expectSuccess(dnnl_dilated_convolution_forward_desc_init(
            &desc, dnnl_forward_training, g.oneDNNAlgorithm, &src, &wei, &bias, &dst, &s, &d, &l, &r), "conv forward desc")
        return desc
    }

    private func primitiveDesc(_ desc: inout dnnl_convolution_desc_t, hint: dnnl_primitive_desc_t?) -> dnnl_primitive_desc_t {
        var pd: dnnl_primitive_desc_t?
        let attr = DNNL.userScratchpadAttributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        DNNL.expectSuccess(withUnsafePointer(to: &desc) { dnnl_primitive_desc_create(&pd, UnsafeRawPointer($0), attr, DNNL.engine, hint) },
                           "conv primitive desc")
        return pd!
    }

    /// The primitive for `pd`.
    private func primitive(_ pd: dnnl_primitive_desc_t, _ what: String) -> dnnl_primitive_t {
        var prim: dnnl_primitive_t?
        DNNL.expectSuccess(dnnl_primitive_create(&prim, pd), what)
        return prim!
    }

    /// Source, weights and destination descriptors both backward passes are created from.
    private var backwardDescs: (dnnl_memory_desc_t, dnnl_memory_desc_t, dnnl_memory_desc_t) {
        let g = geometry
        return (g.activationDesc(g.srcDims, backward: true), DNNL.anyDesc(g.weightDims, g.dtype),
                g.activationDesc(g.dstDims, backward: true))
    }

    private func layout(_ pd: dnnl_primitive_desc_t, _ what: dnnl_query_t, _ dims: [Int]) -> DNNLLayout {
        DNNLLayout(plain: DNNL.plainDesc(dims, geometry.dtype), chosen: dnnl_primitive_desc_query_md(pd, what, 0).pointee)
    }

    private func ensureForward() -> dnnl_primitive_desc_t {
        if let forwardPD { return forwardPD }
        var desc = forwardDesc()
        let pd = primitiveDesc(&desc, hint: nil)
        let g = geometry
        forward = (primitive(pd, "conv forward"), layout(pd, dnnl_query_src_md, g.srcDims), layout(pd, dnnl_query_weights_md, g.weightDims),
                   layout(pd, dnnl_query_dst_md, g.dstDims), DNNL.scratchpad(of: pd))
        forwardPD = pd
        return pd
    }

    /// A reusable buffer for role `slot` of at least `size` bytes.
    private func buffer(_ slot: Int, _ size: Int) -> UnsafeMutableRawPointer {
        if let b = scratch[slot], b.size >= size { return b.pointer }
        scratch[slot].map(ScratchPool.give)
        let b = ScratchPool.take(size)
        scratch[slot] = b
        let p = b.pointer
        return p
    }

    /// The output gradient in `layout`: reused from the other backward primitive when it reordered
    /// the same gradient (same `token`) into the same layout, else reordered into `slot`.
    private func diffDstChosen(_ layout: DNNLLayout, _ plain: UnsafeMutableRawPointer, slot: Int, token: Int?,
                               _ stream: DNNLStream) -> UnsafeMutableRawPointer {
        if layout.isPlain { return plain }
        var wanted = layout.chosen
        if let token, let r = reorderedDiffDst, r.token == token, dnnl_memory_desc_equal(&wanted, [r.layout]) != 0 {
            reorderedDiffDst = nil  // reused once, given back with the run's other buffers
            return scratch[r.slot]!.pointer
        }
        let b = chosen(layout, plain, slot: slot, stream)
        reorderedDiffDst = token.map { ($0, layout.chosen, slot) }
        return b
    }

    /// Plain data in the layout the primitive wants: the pointer itself, or a reordered copy.
    private func chosen(_ layout: DNNLLayout, _ plain: UnsafeMutableRawPointer, slot: Int, _ stream: DNNLStream) -> UnsafeMutableRawPointer {
        if layout.isPlain { return plain }
        let b = buffer(slot, layout.size)
        layout.toChosen(plain, b, stream)
        return b
    }

    /// The scratchpad argument of a run: a buffer of this plan (runs hold the plan's lock).
    private func scratchpadArg(_ desc: dnnl_memory_desc_t, slot: Int) -> (Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer) {
        var d = desc
        return (DNNL_ARG_SCRATCHPAD, desc, buffer(slot, Swift.max(dnnl_memory_desc_get_size(&d), 1)))
    }

    /// A destination in the chosen layout, copied back to `plain` by `finish`.
    private func output(_ layout: DNNLLayout, _ plain: UnsafeMutableRawPointer, slot: Int) -> UnsafeMutableRawPointer {
        layout.isPlain ? plain : buffer(slot, layout.size)
    }

    private func finish(_ layout: DNNLLayout, _ chosen: UnsafeMutableRawPointer, _ plain: UnsafeMutableRawPointer, _ stream: DNNLStream) {
        if !layout.isPlain { layout.toPlain(chosen, plain, stream) }
    }

    /// `dst = activation(conv(src, weights) + bias)` on plain buffers; true when done. A float32
    /// `nChw16c` or `nChw8c` output is copied into `dst` by `ChannelBlockKernels` (measured faster
    /// than oneDNN's reorder for both), with the activation on the way; otherwise the activation
    /// is left to the caller and the result is false.
    @discardableResult
    func runForward(src: UnsafeMutableRawPointer, weights: UnsafeMutableRawPointer, bias: UnsafeMutableRawPointer,
                    dst: UnsafeMutableRawPointer, activation: ConvActivation? = nil) -> Bool {
        lock.lock(); defer { lock.unlock() }
        reorderedDiffDst = nil
        defer { endRun() }
        _ = ensureForward()
        let f = forward!, stream = ThreadState.current.dnnlStream
        let s = chosen(f.src, src, slot: 0, stream)
        let d = output(f.dst, dst, slot: 2)
        executeForward(src: s, weights: weights, bias: bias, dst: d, stream)
        let g = geometry
        guard g.dtype == .float32, let block = ChannelBlockKernels.block(of: f.dst.chosen, g.dstDims) else {
            finish(f.dst, d, dst, stream)
            return activation == nil
        }
        let (lo, hi) = activation?.bounds ?? (-.infinity, .infinity)
        ChannelBlockKernels(n: g.n, c: g.cout, pixels: g.outH * g.outW, block: block)
            .unblock(d.assumingMemoryBound(to: Float.self), dst.assumingMemoryBound(to: Float.self), lo: lo, hi: hi)
        return true
    }

    /// `dst = conv(src) + bias` for a float32 primitive that reads and writes `nChw16c` or
    /// `nChw8c`: `fill` writes the source straight into the primitive's layout (given the buffer
    /// and the channels per block, the padding channels to be zeroed), and the output is copied
    /// into plain `dst`, whose images lie `dstImageStride` floats apart (a slice of a larger
    /// tensor's channels). False, with nothing run, for a primitive with other layouts.
    func runForward(fillingSource fill: (UnsafeMutablePointer<Float>, Int) -> Void, weights: UnsafeMutableRawPointer,
                    bias: UnsafeMutableRawPointer, dst: UnsafeMutablePointer<Float>, dstImageStride: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        reorderedDiffDst = nil
        defer { endRun() }
        _ = ensureForward()
        let f = forward!, g = geometry
        guard g.dtype == .float32, let srcBlock = ChannelBlockKernels.block(of: f.src.chosen, g.srcDims),
              let dstBlock = ChannelBlockKernels.block(of: f.dst.chosen, g.dstDims) else { return false }
        let s = buffer(0, f.src.size), d = buffer(2, f.dst.size)
        fill(s.assumingMemoryBound(to: Float.self), srcBlock)
        executeForward(src: s, weights: weights, bias: bias, dst: d, ThreadState.current.dnnlStream)
        ChannelBlockKernels(n: g.n, c: g.cout, pixels: g.outH * g.outW, block: dstBlock, imageStride: dstImageStride)
            .unblock(d.assumingMemoryBound(to: Float.self), dst, lo: -.infinity, hi: .infinity)
        return true
    }

    /// Runs the forward primitive on `src` and `dst` in its layouts, the weights reordered to it.
    private func executeForward(src: UnsafeMutableRawPointer, weights: UnsafeMutableRawPointer, bias: UnsafeMutableRawPointer,
                                dst: UnsafeMutableRawPointer, _ stream: DNNLStream) {
        let f = forward!, w = chosen(f.weights, weights, slot: 1, stream)
        stream.execute("conv forward", f.prim, [(DNNL_ARG_SRC, f.src.chosen, src), (DNNL_ARG_WEIGHTS, f.weights.chosen, w),
                                (DNNL_ARG_BIAS, DNNL.plainDesc([geometry.cout], geometry.dtype), bias),
                                (DNNL_ARG_DST, f.dst.chosen, dst), scratchpadArg(f.scratchpad, slot: 10)])
    }

    /// `diffSrc` = gradient of the input from `diffDst` and the weights, on plain buffers.
    /// `token` identifies this output gradient across the two backward calls of one step.
    func runBackwardData(diffDst: UnsafeMutableRawPointer, weights: UnsafeMutableRawPointer, diffSrc: UnsafeMutableRawPointer,
                         token: Int? = nil) {
        lock.lock(); defer { lock.unlock() }
        defer { endRun() }
        if backwardData == nil {
            let hint = ensureForward()
            let g = geometry
            var (src, wei, dst) = backwardDescs
            var desc = dnnl_convolution_desc_t()
            var (s, d, l, r) = dims
            DNNL.expectSuccess(dnnl_dilated_convolution_backward_data_desc_init(
                &desc, g.oneDNNAlgorithm, &src, &wei, &dst, &s, &d, &l, &r), "conv backward data desc")
            let pd = primitiveDesc(&desc, hint: hint)
            backwardData = (primitive(pd, "conv backward data"), layout(pd, dnnl_query_diff_src_md, g.srcDims), layout(pd, dnnl_query_weights_md, g.weightDims),
                            layout(pd, dnnl_query_diff_dst_md, g.dstDims), DNNL.scratchpad(of: pd))
            dnnl_primitive_desc_destroy(pd)
        }
        let b = backwardData!, stream = ThreadState.current.dnnlStream
        let dd = diffDstChosen(b.diffDst, diffDst, slot: 3, token: token, stream), w = chosen(b.weights, weights, slot: 4, stream)
        let ds = output(b.diffSrc, diffSrc, slot: 5)
        stream.execute("conv backward data", b.prim, [(DNNL_ARG_DIFF_DST, b.diffDst.chosen, dd), (DNNL_ARG_WEIGHTS, b.weights.chosen, w),
                                (DNNL_ARG_DIFF_SRC, b.diffSrc.chosen, ds), scratchpadArg(b.scratchpad, slot: 11)])
        finish(b.diffSrc, ds, diffSrc, stream)
    }

    /// `diffWeights` (and `diffBias`, the per-channel sum of `diffDst`, when wanted) from the input
    /// and `diffDst`, on plain buffers.
    func runBackwardWeights(src: UnsafeMutableRawPointer, diffDst: UnsafeMutableRawPointer,
                            diffWeights: UnsafeMutableRawPointer, diffBias: UnsafeMutableRawPointer?, token: Int? = nil) {
        lock.lock(); defer { lock.unlock() }
        defer { endRun() }
        if backwardWeights == nil {
            let hint = ensureForward()
            let g = geometry
            var (src, wei, dst) = backwardDescs
            var bias = DNNL.plainDesc([g.cout], g.dtype)
            var desc = dnnl_convolution_desc_t()
            var (s, d, l, r) = dims
            DNNL.expectSuccess(dnnl_dilated_convolution_backward_weights_desc_init(
                &desc, g.oneDNNAlgorithm, &src, &wei, &bias, &dst, &s, &d, &l, &r), "conv backward weights desc")
            let pd = primitiveDesc(&desc, hint: hint)
            backwardWeights = (primitive(pd, "conv backward weights"), layout(pd, dnnl_query_src_md, g.srcDims), layout(pd, dnnl_query_diff_weights_md, g.weightDims),
                               layout(pd, dnnl_query_diff_dst_md, g.dstDims), DNNL.scratchpad(of: pd))
            dnnl_primitive_desc_destroy(pd)
        }
        let b = backwardWeights!, stream = ThreadState.current.dnnlStream
        let s = chosen(b.src, src, slot: 6, stream), dd = diffDstChosen(b.diffDst, diffDst, slot: 7, token: token, stream)
        let dw = output(b.diffWeights, diffWeights, slot: 8)
        let db = diffBias ?? buffer(9, geometry.cout * geometry.dtype.itemSize)
        stream.execute("conv backward weights", b.prim, [(DNNL_ARG_SRC, b.src.chosen, s), (DNNL_ARG_DIFF_DST, b.diffDst.chosen, dd),
                                (DNNL_ARG_DIFF_WEIGHTS, b.diffWeights.chosen, dw),
                                (DNNL_ARG_DIFF_BIAS, DNNL.plainDesc([geometry.cout], geometry.dtype), db),
                                scratchpadArg(b.scratchpad, slot: 12)])
        finish(b.diffWeights, dw, diffWeights, stream)
    }
}
