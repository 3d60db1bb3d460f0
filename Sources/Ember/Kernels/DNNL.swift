import CDNNL
import Foundation

/// The process's oneDNN CPU engine and the calling thread's stream, and helpers to describe plain
/// (row-major) tensors to oneDNN. oneDNN objects are used from one thread at a time per stream.
enum DNNL {
    /// The CPU engine, created on first use and kept for the process. oneDNN engines are
    /// thread-safe, hence `nonisolated(unsafe)` on a value that is never reassigned.
    nonisolated(unsafe) static let engine: dnnl_engine_t = {
        var e: dnnl_engine_t?
        expectSuccess(dnnl_engine_create(&e, dnnl_cpu, 0), "engine_create")
        return e!
    }()

    /// Stops on a oneDNN failure; these are internal errors (shapes were checked before).
    static func expectSuccess(_ status: dnnl_status_t, _ what: String) {
        if status != dnnl_success { fatalError("oneDNN \(what) failed with status \(status.rawValue)") }
    }

    /// A plain memory descriptor (nchw, oihw, goihw... by rank) for float32 or float64.
    static func plainDesc(_ dims: [Int], _ dtype: DType) -> dnnl_memory_desc_t {
        let tag: dnnl_format_tag_t
        switch dims.count {
        case 1: tag = dnnl_a
        case 2: tag = dnnl_ab
        case 3: tag = dnnl_abc
        case 4: tag = dnnl_abcd
        default: tag = dnnl_abcde
        }
        return desc(dims, dtype, tag)
    }

    /// A channels-last descriptor (nhwc) of a 4-D activation.
    static func channelsLastDesc(_ dims: [Int], _ dtype: DType) -> dnnl_memory_desc_t {
        desc(dims, dtype, dnnl_acdb)
    }

    /// A float32 descriptor of 4-D `dims` in `nChw16c` or `nChw8c` (channels in blocks of
    /// `block`, 16 or 8).
    static func blockedDesc(_ dims: [Int], block: Int) -> dnnl_memory_desc_t {
        desc(dims, .float32, block == 16 ? dnnl_aBcd16b : dnnl_aBcd8b)
    }

    /// A descriptor letting the primitive choose its preferred (blocked) layout.
    static func anyDesc(_ dims: [Int], _ dtype: DType) -> dnnl_memory_desc_t {
        desc(dims, dtype, dnnl_format_tag_any)
    }

    /// A float32 descriptor of `dims` with explicit element `strides` (a transposed operand).
    static func stridedDesc(_ dims: [Int], _ strides: [Int]) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        var d = dims.map { Int64($0) } + [Int64](repeating: 0, count: 12 - dims.count)
        var s = strides.map { Int64($0) } + [Int64](repeating: 0, count: 12 - strides.count)
        expectSuccess(dnnl_memory_desc_init_by_strides(&md, Int32(dims.count), &d, dnnl_f32, &s), "memory_desc_init_by_strides")
        return md
    }

    /// A descriptor of `dims` in the layout `tag`.
    private static func desc(_ dims: [Int], _ dtype: DType, _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        var d = dims.map { Int64($0) } + [Int64](repeating: 0, count: 12 - dims.count)
        expectSuccess(dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), &d, dataType(dtype), tag), "memory_desc_init")
        return md
    }

    /// Primitive attributes asking for a user-managed scratchpad. With oneDNN's default (a
    /// scratchpad per thread, allocated on the thread that creates the primitive), a primitive
    /// created on one thread and run on another reads a null scratchpad: tests running on the
    /// thread pool crashed that way. Owners pass the scratchpad (`scratchpad(of:)`) to each run.
    static func userScratchpadAttributes() -> dnnl_primitive_attr_t {
        var attr: dnnl_primitive_attr_t?
        expectSuccess(dnnl_primitive_attr_create(&attr), "primitive_attr_create")
        expectSuccess(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        return attr!
    }

    /// The scratchpad a primitive created with `userScratchpadAttributes()` needs.
    static func scratchpad(of pd: dnnl_primitive_desc_t) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0).pointee
    }

    static func dataType(_ dtype: DType) -> dnnl_data_type_t {
        switch dtype {
        case .float32: dnnl_f32
        case .bfloat16: dnnl_bf16
        case .float16: dnnl_f16
        default: fatalError("oneDNN path expects a floating dtype, got \(dtype)")
        }
    }
}

/// A oneDNN memory layout chosen by a primitive, with the reorders to and from the plain layout.
final class DNNLLayout {
    let plain: dnnl_memory_desc_t
    let chosen: dnnl_memory_desc_t
    /// Bytes of a buffer in the chosen layout.
    let size: Int
    /// Nil when the chosen layout is the plain one.
    private let toChosen: dnnl_primitive_t?
    private let toPlain: dnnl_primitive_t?
    /// The reorders' scratchpad (none needed by most), used by one run at a time like the layout.
    private let scratchpad: (desc: dnnl_memory_desc_t, buffer: UnsafeMutableRawPointer)?

    init(plain: dnnl_memory_desc_t, chosen: dnnl_memory_desc_t) {
        self.plain = plain
        self.chosen = chosen
        var p = plain, c = chosen
        size = dnnl_memory_desc_get_size(&c)
        if dnnl_memory_desc_equal(&p, &c) != 0 {
            (toChosen, toPlain, scratchpad) = (nil, nil, nil)
        } else {
            var there = DNNLLayout.reorder(&p, &c), back = DNNLLayout.reorder(&c, &p)
            toChosen = there.prim
            toPlain = back.prim
            var needed = dnnl_memory_desc_get_size(&there.scratchpad) >= dnnl_memory_desc_get_size(&back.scratchpad)
                ? there.scratchpad : back.scratchpad
            let bytes = dnnl_memory_desc_get_size(&needed)
            scratchpad = bytes == 0 ? nil : (needed, UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64))
        }
    }

    deinit {
        if let toChosen { dnnl_primitive_destroy(toChosen) }
        if let toPlain { dnnl_primitive_destroy(toPlain) }
        scratchpad?.buffer.deallocate()
    }

    var isPlain: Bool { toChosen == nil }

    private static func reorder(_ from: inout dnnl_memory_desc_t, _ to: inout dnnl_memory_desc_t)
        -> (prim: dnnl_primitive_t, scratchpad: dnnl_memory_desc_t) {
        var pd: dnnl_primitive_desc_t?
        let attr = DNNL.userScratchpadAttributes()
        defer { dnnl_primitive_attr_destroy(attr) }
        DNNL.expectSuccess(dnnl_reorder_primitive_desc_create(&pd, &from, DNNL.engine, &to, DNNL.engine, attr), "reorder_pd")
        var prim: dnnl_primitive_t?
        DNNL.expectSuccess(dnnl_primitive_create(&prim, pd), "reorder")
        let scratchpad = DNNL.scratchpad(of: pd!)
        dnnl_primitive_desc_destroy(pd)
        return (prim!, scratchpad)
    }

    /// `args` plus the scratchpad, when the reorders need one.
    private func withScratchpad(_ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)])
        -> [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)] {
        scratchpad.map { args + [(DNNL_ARG_SCRATCHPAD, $0.desc, $0.buffer)] } ?? args
    }

    /// Copies plain data at `src` into the chosen layout at `dst` on the calling thread's stream,
    /// or copies it as it is when the two layouts are the same.
    func copyToChosen(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer) {
        if isPlain { dst.copyMemory(from: src, byteCount: size) } else { toChosen(UnsafeMutableRawPointer(mutating: src), dst, ThreadState.current.dnnlStream) }
    }

    /// Copies chosen-layout data at `src` back to the plain layout at `dst`, as `copyToChosen`.
    func copyToPlain(_ src: UnsafeMutableRawPointer, _ dst: UnsafeMutableRawPointer) {
        if isPlain { dst.copyMemory(from: src, byteCount: size) } else { toPlain(src, dst, ThreadState.current.dnnlStream) }
    }

    /// Copies plain data at `src` into the chosen layout at `dst`.
    func toChosen(_ src: UnsafeMutableRawPointer, _ dst: UnsafeMutableRawPointer, _ stream: DNNLStream) {
        stream.execute("reorder to a blocked layout", toChosen!, withScratchpad([(DNNL_ARG_FROM, plain, src), (DNNL_ARG_TO, chosen, dst)]))
    }

    /// Copies chosen-layout data at `src` back to the plain layout at `dst`.
    func toPlain(_ src: UnsafeMutableRawPointer, _ dst: UnsafeMutableRawPointer, _ stream: DNNLStream) {
        stream.execute("reorder to the plain layout", toPlain!, withScratchpad([(DNNL_ARG_FROM, chosen, src), (DNNL_ARG_TO, plain, dst)]))
    }
}

/// A oneDNN stream, one per thread (streams are not shared across threads).
final class DNNLStream {
    let stream: dnnl_stream_t

    init() {
        var s: dnnl_stream_t?
        DNNL.expectSuccess(dnnl_stream_create(&s, DNNL.engine, dnnl_stream_default_flags.rawValue), "stream_create")
        stream = s!
    }

    deinit { dnnl_stream_destroy(stream) }

    /// Runs `primitive` (`what`, for a failure's message) with memory arguments
    /// `(arg, descriptor, pointer)` and waits for it.
    func execute(_ what: String, _ primitive: dnnl_primitive_t, _ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)]) {
        var mems: [dnnl_memory_t?] = []
        var execArgs: [dnnl_exec_arg_t] = []
        for (arg, desc, ptr) in args {
            var d = desc
            var m: dnnl_memory_t?
            DNNL.expectSuccess(dnnl_memory_create(&m, &d, DNNL.engine, ptr), "memory_create")
            mems.append(m)
            execArgs.append(dnnl_exec_arg_t(arg: arg, memory: m))
        }
        DNNL.expectSuccess(dnnl_primitive_execute(primitive, stream, Int32(execArgs.count), execArgs), "execute of " + what)
        DNNL.expectSuccess(dnnl_stream_wait(stream), "stream_wait")
        for m in mems { dnnl_memory_destroy(m) }
    }
}
