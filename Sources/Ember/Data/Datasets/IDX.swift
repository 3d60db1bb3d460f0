/// Reads an IDX file of unsigned bytes (the MNIST format: two zero bytes, the element type
/// 0x08, the number of dimensions, each dimension as a big-endian UInt32, then the data) into a
/// uint8 tensor of those dimensions. `rank` is the number of dimensions expected; `check` sees
/// the dimensions before anything is read or allocated. torchvision's counterpart is
/// `read_sn3_pascalvincent_tensor`.
func readIDX(_ file: borrowing DatasetFile, rank: Int, check: ([Int]) throws(DatasetError) -> Void = { _ in }) throws(DatasetError) -> Tensor {
    let magic = try file.bytes(4, "the IDX magic number")
    guard magic[0] == 0, magic[1] == 0 else {
        throw DatasetError(.invalidFormat, path: file.path,
                           "bad IDX magic number \(hex(magic)); expected 00 00 08 0\(rank)")
    }
    guard magic[2] == 0x08 else {
        throw DatasetError(.invalidFormat, path: file.path,
                           "IDX element type 0x\(hex([magic[2]])) is not supported; expected 0x08 (unsigned byte)")
    }
    guard Int(magic[3]) == rank else {
        throw DatasetError(.invalidFormat, path: file.path, "IDX file has \(magic[3]) dimensions; expected \(rank)")
    }
    let header = try file.bytes(4 * rank, "the IDX dimensions")
    let shape = (0..<rank).map { d in header[4 * d..<4 * d + 4].reduce(0) { $0 << 8 | Int($1) } }
    guard let count = Tensor.addressableCount(shape, itemSize: 1) else {
        throw DatasetError(.invalidFormat, path: file.path, "IDX dimensions \(shapeString(shape)) hold more elements than can be addressed")
    }
    try check(shape)
    let what = "data of shape \(shapeString(shape))"
    if let mapped = try file.mappedRest(count, what) {
        return Tensor(storage: mapped, shape: shape, strides: Tensor.contiguousStrides(shape), offset: 0, dtype: .uint8)
    }
    var t: Tensor? = nil
    try file.read(count, what) { _ in
        t = ElementBytes.tensor(shape, .uint8)
        return t?.pointer
    }
    try file.expectEnd(after: what)
    return t!
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        .joined(separator: " ")
}

/// Checks that every label is in `0..<classCount`.
func checkLabels(_ labels: UnsafeBufferPointer<UInt8>, classCount: Int, path: String) throws(DatasetError) {
    if let i = labels.firstIndex(where: { Int($0) >= classCount }) {
        throw DatasetError(.labelOutOfRange, path: path,
                           "label \(labels[i]) at index \(i) is out of range; expected 0..<\(classCount)")
    }
}
