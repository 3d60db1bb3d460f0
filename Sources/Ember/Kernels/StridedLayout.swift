/// The iteration space of an element-wise kernel over up to four operands sharing one shape:
/// size-1 dimensions dropped and adjacent dimensions merged where every operand allows, so a
/// contiguous tensor becomes a single row.
struct StridedLayout {
    /// Collapsed sizes; the last is the row length.
    private(set) var shape: [Int]
    /// Collapsed element strides, one array per operand.
    private(set) var strides: [[Int]]
    let count: Int

    init(shape: [Int], strides: [[Int]]) {
        count = shape.reduce(1, *)
        var s: [Int] = []
        var st: [[Int]] = Array(repeating: [], count: strides.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if let last = s.indices.last,
               strides.indices.allSatisfy({ st[$0][last] == strides[$0][d] * shape[d] }) {
                s[last] *= shape[d]
                for k in strides.indices { st[k][last] = strides[k][d] }
            } else {
                s.append(shape[d])
                for k in strides.indices { st[k].append(strides[k][d]) }
            }
        }
        if s.isEmpty {
            s = [1]
            st = Array(repeating: [0], count: strides.count)
        }
        self.shape = s
        self.strides = st
    }

    /// Elements per row.
    var rowLength: Int { shape[shape.count - 1] }
    /// Number of rows.
    var rowCount: Int { count == 0 ? 0 : count / rowLength }
    /// Innermost stride of operand `k`.
    func innerStride(_ k: Int) -> Int { strides[k][shape.count - 1] }

    /// Calls `body(offsets, n)` for each row in `rows`, with each operand's element offset of the
    /// row's first element.
    @inline(__always)
    func forEachRow(_ rows: Range<Int>, _ body: (UnsafePointer<Int>, Int) -> Void) {
        if rows.isEmpty { return }
        let k = strides.count, outer = shape.count - 1, n = rowLength
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k + outer) { buf in
            let offs = buf.baseAddress!, idx = offs + k
            var rest = rows.lowerBound
            for d in Swift.stride(from: outer - 1, through: 0, by: -1) {
                idx[d] = rest % shape[d]
                rest /= shape[d]
            }
            for j in 0..<k {
                var o = 0
                for d in 0..<outer { o += idx[d] * strides[j][d] }
                offs[j] = o
            }
            for _ in rows {
                body(offs, n)
                var d = outer - 1
                while d >= 0 {
                    idx[d] += 1
                    for j in 0..<k { offs[j] += strides[j][d] }
                    if idx[d] < shape[d] { break }
                    for j in 0..<k { offs[j] -= strides[j][d] * shape[d] }
                    idx[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// Runs `forEachRow` split across the kernel threads when the tensor is large.
    @inline(__always)
    func parallelRows(costPerElement: Int = 1, _ body: (UnsafePointer<Int>, Int) -> Void) {
        parallelFor(rowCount, costPerItem: rowLength * costPerElement) { rows in
            forEachRow(rows, body)
        }
    }
}
