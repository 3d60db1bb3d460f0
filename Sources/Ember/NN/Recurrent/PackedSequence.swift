/// A batch of sequences of different lengths, packed time step by time step so a recurrent layer
/// runs only the steps each sequence has: `data` holds step 0 of every sequence, then step 1 of
/// those longer than 1, and so on, longest sequences first. PyTorch:
/// `torch.nn.utils.rnn.PackedSequence`.
public struct PackedSequence {
    /// `(Σ lengths, features…)`.
    public let data: Tensor
    /// How many sequences have each time step (non-increasing), int64 `(max length)`.
    public let batchSizes: Tensor
    /// Where each packed (longest-first) sequence is in the caller's batch; nil when the batch
    /// was already sorted (`enforceSorted`).
    public let sortedIndices: Tensor?
    /// Where each of the caller's sequences is in the packed order; nil with `sortedIndices`.
    public let unsortedIndices: Tensor?

    /// PyTorch: `PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)`.
    public init(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor? = nil, unsortedIndices: Tensor? = nil) {
        self.data = data
        self.batchSizes = batchSizes
        self.sortedIndices = sortedIndices
        self.unsortedIndices = unsortedIndices ?? sortedIndices.map(PackedSequence.invert)
    }

    /// The same sequences with `data` replaced (a layer's output over the same steps).
    func with(data: Tensor) -> PackedSequence {
        PackedSequence(data: data, batchSizes: batchSizes, sortedIndices: sortedIndices, unsortedIndices: unsortedIndices)
    }

    /// The inverse of a permutation.
    static func invert(_ permutation: Tensor) -> Tensor {
        let p = permutation.toInts()
        check(p.sorted() == Array(0..<p.count), "sorted_indices must be a permutation of 0..<\(p.count), got \(p)")
        var inverse = [Int](repeating: 0, count: p.count)
        for (i, j) in p.enumerated() { inverse[j] = i }
        return Tensor(inverse)
    }
}

extension F {
    /// Packs `input` `(L, N, *)` (`(N, L, *)` with `batchFirst`) holding sequences of the given
    /// lengths, padded. With `enforceSorted` the lengths must be non-increasing; otherwise the
    /// batch is sorted longest first and the order kept for unpacking. PyTorch:
    /// `torch.nn.utils.rnn.pack_padded_sequence`.
    public static func packPaddedSequence(_ input: Tensor, lengths: [Int], batchFirst: Bool = false,
                                          enforceSorted: Bool = true) -> PackedSequence {
        check(input.dim >= 2, "pack_padded_sequence: expected input of at least 2 dimensions, got \(input.dim)")
        check(input.numel > 0, "Cannot pack empty tensors.")
        var x = batchFirst ? input.transpose(0, 1) : input
        let (steps, batch) = (x.shape[0], x.shape[1])
        check(lengths.count == batch, "Expected `len(lengths)` to be equal to batch_size, but got \(lengths.count) (batch_size=\(batch))")
        var order: [Int]? = nil, sorted = lengths
        if enforceSorted {
            check(zip(lengths, lengths.dropFirst()).allSatisfy { $0 >= $1 },
                  "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                  + "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                  + "if you do not need ONNX exportability.")
        } else {
            let o = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
            order = o
            sorted = o.map { lengths[$0] }
            x = x.indexSelect(1, Tensor(o))
        }
        check(sorted.last.map { $0 > 0 } ?? false,
              "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0")
        check(sorted[0] <= steps, "pack_padded_sequence: a length of \(sorted[0]) is longer than the sequences (\(steps) steps)")
        let batchSizes = (0..<sorted[0]).map { t in sorted.prefix { $0 > t }.count }
        let data = Tensor.cat(batchSizes.enumerated().map { t, b in x.select(0, t).narrow(0, 0, b) })
        return PackedSequence(data: data, batchSizes: Tensor(batchSizes), sortedIndices: order.map { Tensor($0) })
    }

    /// `packPaddedSequence` with the lengths given as an int64 tensor.
    public static func packPaddedSequence(_ input: Tensor, lengths: Tensor, batchFirst: Bool = false,
                                          enforceSorted: Bool = true) -> PackedSequence {
        packPaddedSequence(input, lengths: lengths.toInts(), batchFirst: batchFirst, enforceSorted: enforceSorted)
    }

    /// The padded batch `(T, N, *)` (`(N, T, *)` with `batchFirst`) of a packed one, in the
    /// caller's order, with `paddingValue` past each sequence's end, and the lengths (int64).
    /// `totalLength` pads to that many steps. PyTorch: `torch.nn.utils.rnn.pad_packed_sequence`.
    public static func padPackedSequence(_ sequence: PackedSequence, batchFirst: Bool = false, paddingValue: Double = 0,
                                         totalLength: Int? = nil) -> (Tensor, Tensor) {
        let sizes = sequence.batchSizes.toInts(), batch = sizes.first ?? 0
        let steps = totalLength ?? sizes.count
        check(steps >= sizes.count, "Expected total_length to be at least the length of the longest sequence in input, "
              + "but got total_length=\(steps) and max sequence length being \(sizes.count)")
        let features = Array(sequence.data.shape.dropFirst())
        var rows: [Tensor] = [], offset = 0
        for t in 0..<steps {
            let b = t < sizes.count ? sizes[t] : 0
            var parts: [Tensor] = []
            if b > 0 { parts.append(sequence.data.narrow(0, offset, b)) }
            if b < batch { parts.append(Tensor.full([batch - b] + features, paddingValue, dtype: sequence.data.dtype)) }
            rows.append(parts.count == 1 ? parts[0] : Tensor.cat(parts))
            offset += b
        }
        var padded = Tensor.stack(rows)
        var lengths = (0..<batch).map { i in sizes.prefix { $0 > i }.count }
        if let unsorted = sequence.unsortedIndices {
            padded = padded.indexSelect(1, unsorted)
            lengths = unsorted.toInts().map { lengths[$0] }
        }
        return (batchFirst ? padded.transpose(0, 1) : padded, Tensor(lengths))
    }

    /// Sequences of shapes `(L_i, *)` stacked into `(max L, N, *)` (`(N, max L, *)` with
    /// `batchFirst`), `paddingValue` past each one's end. PyTorch: `torch.nn.utils.rnn.pad_sequence`.
    public static func padSequence(_ sequences: [Tensor], batchFirst: Bool = false, paddingValue: Double = 0) -> Tensor {
        check(!sequences.isEmpty, "received an empty list of sequences")
        for s in sequences { check(s.dim >= 1, "pad_sequence: expected each sequence to have at least 1 dimension, got a \(s.dim)-D tensor") }
        let trailing = Array(sequences[0].shape.dropFirst()), longest = sequences.map { $0.shape[0] }.max()!
        let padded = sequences.map { s -> Tensor in
            check(s.dim >= 1 && Array(s.shape.dropFirst()) == trailing,
                  "pad_sequence: expected each sequence of shape (L, \(trailing.map(String.init).joined(separator: ", "))), got \(shapeString(s.shape))")
            let rest = longest - s.shape[0]
            return rest == 0 ? s : Tensor.cat([s, Tensor.full([rest] + trailing, paddingValue, dtype: s.dtype)])
        }
        return Tensor.stack(padded, dim: batchFirst ? 0 : 1)
    }

    /// Packs sequences of shapes `(L_i, *)` (longest first with `enforceSorted`). PyTorch:
    /// `torch.nn.utils.rnn.pack_sequence`.
    public static func packSequence(_ sequences: [Tensor], enforceSorted: Bool = true) -> PackedSequence {
        packPaddedSequence(padSequence(sequences), lengths: sequences.map { $0.shape[0] }, enforceSorted: enforceSorted)
    }
}
