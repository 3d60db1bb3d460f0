extension F {
    /// How `embeddingBag` reduces a bag. PyTorch: `mode`.
    public enum BagMode: String, Sendable { case sum, mean, max }

    /// The embeddings of each bag of indices reduced to one row: bags are the rows of a 2-D
    /// `input`, or the runs of a 1-D `input` starting at `offsets`, the last running to the end
    /// (with `includeLastOffset`, `offsets` also holds that end). `perSampleWeights` scale the
    /// rows (`sum` only); `paddingIdx` rows are left out. An empty bag gives zeros.
    /// PyTorch: `torch.nn.functional.embedding_bag`.
    public static func embeddingBag(_ input: Tensor, _ weight: Tensor, offsets: Tensor? = nil, mode: BagMode = .mean,
                                    perSampleWeights: Tensor? = nil, includeLastOffset: Bool = false,
                                    paddingIdx: Int? = nil) -> Tensor {
        check(input.dim == 1 || input.dim == 2, "input has to be 1D or 2D Tensor, but got Tensor of dimension \(input.dim)")
        check(perSampleWeights == nil || mode == .sum,
              "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='\(mode.rawValue)'). Please open a feature request on GitHub.")
        let flat = input.reshape([-1])
        var starts: [Int]
        if input.dim == 2 {
            check(offsets == nil, "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.")
            starts = Array(Swift.stride(from: 0, to: flat.shape[0], by: Swift.max(input.shape[1], 1)))
            if input.shape[1] == 0 { starts = Array(repeating: 0, count: input.shape[0]) }
        } else {
            check(offsets != nil && offsets!.dim == 1, "offsets has to be a 1D Tensor")
            starts = offsets!.toInts()
            check(!starts.isEmpty || !includeLastOffset, "include_last_offset: number of offsets should be at least 1")
            if includeLastOffset { starts.removeLast() }
            check(starts.first.map { $0 == 0 } ?? true, "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got \(starts[0])")
            check(zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 } && (starts.last ?? 0) <= flat.shape[0],
                  "offsets must be non-decreasing and at most the input's length \(flat.shape[0])")
        }
        // The last bag runs to the end of the input (PyTorch ignores the value of an included last offset).
        let ends = Array(starts.dropFirst()) + [flat.shape[0]]
        let rows = embedding(flat, weight)
        let scaled = perSampleWeights.map { rows * $0.reshape([-1, 1]) } ?? rows
        let indices = flat.toInts()
        let padding = paddingIdx.map { $0 < 0 ? $0 + weight.shape[0] : $0 }
        let dimension = weight.shape[1]
        let bags = zip(starts, ends).map { start, end -> Tensor in
            let kept = (start..<end).filter { padding == nil || indices[$0] != padding! }
            guard !kept.isEmpty else { return Tensor.zeros([dimension], dtype: weight.dtype) }
            let members = scaled.indexSelect(0, Tensor(kept, shape: [kept.count], dtype: .int64))
            switch mode {
            case .sum: return members.sum(dim: 0)
            case .mean: return members.mean(dim: 0)
            case .max: return members.amax(dims: [0])
            }
        }
        return bags.isEmpty ? Tensor.zeros([0, dimension], dtype: weight.dtype) : Tensor.stack(bags, dim: 0)
    }
}
