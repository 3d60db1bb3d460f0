/// The stable sorting permutation of each of `outer` contiguous rows of `n` elements.
struct SortRows: ElementVisitor {
    let x: Tensor, outer: Int, n: Int, descending: Bool
    func visit<T: Element>(_: T.Type) -> [Int] {
        let p = x.pointer(as: T.self)
        var result = [Int](repeating: 0, count: outer * n)
        let desc = descending
        // NaN sorts as the largest value, as in PyTorch.
        func less(_ a: Double, _ b: Double) -> Bool {
            if a.isNaN { return false }
            if b.isNaN { return true }
            return a < b
        }
        for r in 0..<outer {
            let row = (0..<n).map { p[r * n + $0].asDouble }
            // Index tie-break keeps equal elements in input order (a stable sort).
            let order = (0..<n).sorted { i, j in
                let (a, b) = (row[i], row[j])
                if desc { return less(b, a) || (!less(a, b) && i < j) }
                return less(a, b) || (!less(b, a) && i < j)
            }
            for (k, i) in order.enumerated() { result[r * n + k] = i }
        }
        return result
    }
}
