import CMPI
import Foundation

/// The collectives, with PyTorch's names and semantics: each works in place on contiguous
/// tensors of float32, float64, int32, int64 or uint8 that every rank passes with the same shape
/// and dtype, and every rank must call the same collectives in the same order. Without
/// `asyncOp` a call returns when its collective has finished; with it, the call returns at once
/// and the returned `Work` tells when the tensors hold the result (they must not be touched
/// until then). A failure MPI reports is thrown, by the call or by `wait()`; a rank that dies
/// makes `mpirun` end the whole job (Open MPI's default).
extension Distributed {
    /// How a reduction combines the ranks' values. PyTorch: `dist.ReduceOp`.
    public enum ReduceOp: Sendable {
        /// The sum, the mean over ranks (floating point only), the product, the minimum, the maximum.
        case sum, avg, product, min, max

        var mpi: MPI_Op {
            switch self {
            case .sum, .avg: ember_mpi_sum()
            case .product: ember_mpi_prod()
            case .min: ember_mpi_min()
            case .max: ember_mpi_max()
            }
        }
    }

    /// Reduces `tensor` across ranks with `op`; every rank gets the result in `tensor`.
    /// PyTorch: `dist.all_reduce(tensor, op=, async_op=)`.
    @discardableResult
    public static func allReduce(_ tensor: Tensor, op: ReduceOp = .sum, asyncOp: Bool = false) throws(DistributedError) -> Work {
        let (group, type) = (current, mpiType(tensor, "allReduce", op: op))
        let count = elementCount(tensor, "allReduce")
        tensor.bumpVersion()
        return try queue(group, "allreduce", asyncOp: asyncOp) {
            if let error = DistributedError.check(
                MPI_Allreduce(ember_mpi_in_place(), tensor.pointer, count, type, op.mpi, ember_mpi_comm_world()), "MPI_Allreduce") {
                return error
            }
            if op == .avg { divide(tensor, by: group.worldSize) }
            return nil
        }
    }

    /// Copies rank `src`'s `tensor` into every rank's. PyTorch: `dist.broadcast(tensor, src=)`.
    @discardableResult
    public static func broadcast(_ tensor: Tensor, src: Int, asyncOp: Bool = false) throws(DistributedError) -> Work {
        let (group, type) = (current, mpiType(tensor, "broadcast"))
        checkRank(src, group, "broadcast", "src")
        let count = elementCount(tensor, "broadcast")
        tensor.bumpVersion()
        return try queue(group, "broadcast", asyncOp: asyncOp) {
            DistributedError.check(MPI_Bcast(tensor.pointer, count, type, Int32(src), ember_mpi_comm_world()), "MPI_Bcast")
        }
    }

    /// Every rank's `tensor`, in rank order, into each rank's `tensorList` (`worldSize` tensors
    /// shaped like `tensor`). PyTorch: `dist.all_gather(tensor_list, tensor)`.
    @discardableResult
    public static func allGather(_ tensorList: [Tensor], _ tensor: Tensor, asyncOp: Bool = false) throws(DistributedError) -> Work {
        let (group, type) = (current, mpiType(tensor, "allGather"))
        checkList(tensorList, like: tensor, group, "allGather", "tensor_list")
        let count = elementCount(tensor, "allGather")
        for t in tensorList { t.bumpVersion() }
        return try queue(group, "allgather", asyncOp: asyncOp) {
            staged(tensorList, fill: false) { flat in
                DistributedError.check(MPI_Allgather(tensor.pointer, count, type, flat, count, type, ember_mpi_comm_world()), "MPI_Allgather")
            }
        }
    }

    /// Every rank's `input`, in rank order, into `output`, which holds `worldSize` times as many
    /// elements (its first dimension `worldSize` times `input`'s, or a flat list).
    /// PyTorch: `dist.all_gather_into_tensor(output, input)`.
    @discardableResult
    public static func allGatherIntoTensor(_ output: Tensor, _ input: Tensor, asyncOp: Bool = false) throws(DistributedError) -> Work {
        let (group, type) = (current, mpiType(input, "allGatherIntoTensor"))
        check(output.dtype == input.dtype && output.isContiguous, "allGatherIntoTensor: output must be a contiguous \(input.dtype) tensor")
        check(output.numel == input.numel * group.worldSize,
              "allGatherIntoTensor: output tensor size must be equal to world_size times input tensor size, got \(output.numel) and \(input.numel) with world_size \(group.worldSize)")
        let count = elementCount(input, "allGatherIntoTensor")
        output.bumpVersion()
        return try queue(group, "allgather", asyncOp: asyncOp) {
            DistributedError.check(MPI_Allgather(input.pointer, count, type, output.pointer, count, type, ember_mpi_comm_world()),
                                   "MPI_Allgather")
        }
    }

    /// Reduces the ranks' `inputList`s element-wise with `op` and gives rank r the reduction of
    /// everyone's `inputList[r]` in `output`. PyTorch: `dist.reduce_scatter(output, input_list, op=)`.
    @discardableResult
    public static func reduceScatter(_ output: Tensor, _ inputList: [Tensor], op: ReduceOp = .sum,
                                     asyncOp: Bool = false) throws(DistributedError) -> Work {
        let (group, type) = (current, mpiType(output, "reduceScatter", op: op))
        checkList(inputList, like: output, group, "reduceScatter", "input_list")
        let count = elementCount(output, "reduceScatter")
        output.bumpVersion()
        return try queue(group, "reduce_scatter", asyncOp: asyncOp) {
            if let error = staged(inputList, fill: true, { flat in
                DistributedError.check(MPI_Reduce_scatter_block(flat, output.pointer, count, type, op.mpi, ember_mpi_comm_world()),
                                       "MPI_Reduce_scatter_block")
            }) {
                return error
            }
            if op == .avg { divide(output, by: group.worldSize) }
            return nil
        }
    }

    /// Every rank's `tensor`, in rank order, into `gatherList` on rank `dst` (which passes
    /// `worldSize` tensors; the others pass none). PyTorch: `dist.gather(tensor, gather_list, dst=)`.
    @discardableResult
    public static func gather(_ tensor: Tensor, gatherList: [Tensor]? = nil, dst: Int = 0,
                              asyncOp: Bool = false) throws(DistributedError) -> Work {
        let (group, type) = (current, mpiType(tensor, "gather"))
        checkRank(dst, group, "gather", "dst")
        let list = rootList(gatherList, like: tensor, root: dst, group, "gather", "gather_list")
        let count = elementCount(tensor, "gather")
        for t in list { t.bumpVersion() }
        // Only the root's list is filled; MPI ignores the other ranks' receive buffers.
        return try queue(group, "gather", asyncOp: asyncOp) {
            staged(list, fill: false) { flat in
                DistributedError.check(MPI_Gather(tensor.pointer, count, type, flat, count, type, Int32(dst), ember_mpi_comm_world()), "MPI_Gather")
            }
        }
    }

    /// Rank `src`'s `scatterList[r]` into rank r's `tensor` (only `src` passes a list, of
    /// `worldSize` tensors). PyTorch: `dist.scatter(tensor, scatter_list, src=)`.
    @discardableResult
    public static func scatter(_ tensor: Tensor, scatterList: [Tensor]? = nil, src: Int = 0,
                               asyncOp: Bool = false) throws(DistributedError) -> Work {
        let (group, type) = (current, mpiType(tensor, "scatter"))
        checkRank(src, group, "scatter", "src")
        let list = rootList(scatterList, like: tensor, root: src, group, "scatter", "scatter_list")
        let count = elementCount(tensor, "scatter")
        tensor.bumpVersion()
        return try queue(group, "scatter", asyncOp: asyncOp) {
            staged(list, fill: true) { flat in
                DistributedError.check(MPI_Scatter(flat, count, type, tensor.pointer, count, type, Int32(src), ember_mpi_comm_world()), "MPI_Scatter")
            }
        }
    }

    /// Returns when every rank has called it. PyTorch: `dist.barrier()`.
    @discardableResult
    public static func barrier(asyncOp: Bool = false) throws(DistributedError) -> Work {
        try queue(current, "barrier", asyncOp: asyncOp) { DistributedError.check(MPI_Barrier(ember_mpi_comm_world()), "MPI_Barrier") }
    }

    // MARK: - Checks and the queue

    /// Queues `run` on `group`'s communication thread; waits for it unless `asyncOp`.
    static func queue(_ group: ProcessGroup, _ name: String, asyncOp: Bool,
                      _ run: @escaping () -> DistributedError?) throws(DistributedError) -> Work {
        let work = Work(name)
        group.queue.enqueue(work, run)
        if !asyncOp { try work.wait() }
        return work
    }

    /// MPI's type for `tensor`'s dtype, after checking that a collective can take it.
    static func mpiType(_ tensor: Tensor, _ op: String, op reduce: ReduceOp? = nil) -> MPI_Datatype {
        check(tensor.isContiguous, "\(op): Tensors must be contiguous")
        check(reduce != .avg || tensor.dtype.isFloatingPoint, "\(op): ReduceOp.AVG needs a floating-point tensor, got \(tensor.dtype)")
        switch tensor.dtype {
        case .float32: return ember_mpi_float()
        case .float64: return ember_mpi_double()
        case .int64: return ember_mpi_int64()
        case .int32: return ember_mpi_int32()
        case .uint8: return ember_mpi_uint8()
        default: fatalError("\(op): \(tensor.dtype) is not supported; use float32, float64, int32, int64 or uint8")
        }
    }

    /// `tensor`'s element count as MPI's `int`.
    static func elementCount(_ tensor: Tensor, _ op: String) -> Int32 {
        guard let count = Int32(exactly: tensor.numel) else {
            fatalError("\(op): a tensor of \(tensor.numel) elements is more than MPI's 2³¹ − 1 per call; split it")
        }
        return count
    }

    private static func checkRank(_ rank: Int, _ group: ProcessGroup, _ op: String, _ name: String) {
        check((0..<group.worldSize).contains(rank), "\(op): Invalid \(name) rank \(rank): the group has ranks 0...\(group.worldSize - 1)")
    }

    /// Checks that `list` holds `worldSize` contiguous tensors shaped like `tensor`.
    private static func checkList(_ list: [Tensor], like tensor: Tensor, _ group: ProcessGroup, _ op: String, _ name: String) {
        check(list.count == group.worldSize, "\(op): \(name) must hold world_size (\(group.worldSize)) tensors, got \(list.count)")
        for t in list {
            check(t.shape == tensor.shape && t.dtype == tensor.dtype && t.isContiguous,
                  "\(op): every tensor of \(name) must be a contiguous \(tensor.dtype) tensor of shape \(shapeString(tensor.shape)), got \(t.dtype) \(shapeString(t.shape))")
        }
    }

    /// The list the root of a gather or scatter passes (empty on the other ranks, which must not
    /// pass one).
    private static func rootList(_ list: [Tensor]?, like tensor: Tensor, root: Int, _ group: ProcessGroup,
                                 _ op: String, _ name: String) -> [Tensor] {
        if group.rank == root {
            checkList(list ?? [], like: tensor, group, op, name)
            return list ?? []
        }
        check(list?.isEmpty ?? true, "\(op): Argument ``\(name)`` must NOT be specified on non-source ranks.")
        return []
    }

    /// Runs `call` with a buffer holding `list`'s tensors (all of one size) end to end: copied from
    /// them before the call when `fill`, else into them after a call that succeeded.
    private static func staged(_ list: [Tensor], fill: Bool, _ call: (UnsafeMutableRawPointer) -> DistributedError?) -> DistributedError? {
        let bytes = list.first.map { $0.numel * $0.dtype.itemSize } ?? 0
        let flat = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(bytes * list.count, 1), alignment: 64)
        defer { flat.deallocate() }
        if fill { for (i, t) in list.enumerated() { (flat + i * bytes).copyMemory(from: t.pointer, byteCount: bytes) } }
        if let error = call(flat) { return error }
        if !fill { for (i, t) in list.enumerated() { t.pointer.copyMemory(from: flat + i * bytes, byteCount: bytes) } }
        return nil
    }

    /// Divides a floating-point `tensor` by `n` in place (the mean of a sum over ranks).
    static func divide(_ tensor: Tensor, by n: Int) {
        switch tensor.dtype {
        case .float32:
            let p = tensor.pointer(as: Float.self), d = Float(n)
            for i in 0..<tensor.numel { p[i] /= d }
        case .float64:
            let p = tensor.pointer(as: Double.self), d = Double(n)
            for i in 0..<tensor.numel { p[i] /= d }
        default:
            fatalError("divide: \(tensor.dtype)")
        }
    }
}
