import Testing
@testable import Ember

@Suite struct ViewTests {
    @Test func viewSharesMemory() {
        let b = Tensor.arange(15).reshape(3, 5)
        let a = b.view(15)
        a[0] = Tensor(42)
        #expect(b[0, 0].itemInt() == 42)
        #expect(a.base === b.base || a.base === b)
    }

    @Test func transposeIsAViewAndNotContiguous() {
        let x = Tensor.arange(6).reshape(2, 3)
        let t = x.t()
        #expect(t.shape == [3, 2])
        #expect(t.strides == [1, 3])
        #expect(!t.isContiguous)
        t[0, 1] = Tensor(-1)
        #expect(x[1, 0].itemInt() == -1)
        #expect(t.contiguous().isContiguous)
        #expect(t.contiguous().toInts() == [0, -1, 1, 4, 2, 5])
    }

    @Test func slicingWithStepsAndEllipsis() {
        let x = Tensor.arange(24).reshape(2, 3, 4)
        #expect(x[.ellipsis, 0].toInts() == [0, 4, 8, 12, 16, 20])
        #expect(x[1, 1..., .slice(nil, nil, step: 2)].toInts() == [16, 18, 20, 22])
        #expect(x[.newAxis].shape == [1, 2, 3, 4])
        #expect(x[0, .all, -1].toInts() == [3, 7, 11])
        #expect(x[0..<1, 0...1].shape == [1, 2, 4])
        let s = x[1, 1..<3]
        s.fill_(0)
        #expect(x.sum().itemInt() == 276 - (16 + 17 + 18 + 19 + 20 + 21 + 22 + 23))
    }

    @Test func inPlaceOpsVisibleThroughAliases() {
        let x = Tensor.zeros(2, 2)
        let row = x[0]
        row.add_(Tensor([1.0, 2.0]))
        var alias = x
        alias += 1.0
        #expect(x.toDoubles() == [2, 3, 1, 1])
        #expect(row.toDoubles() == [2, 3])
    }

    @Test func squeezeUnsqueezePermuteExpand() {
        let x = Tensor.ones(2, 1, 3)
        #expect(x.squeeze().shape == [2, 3])
        #expect(x.squeeze(1).shape == [2, 3])
        #expect(x.squeeze(0).shape == [2, 1, 3])
        #expect(x.unsqueeze(-1).shape == [2, 1, 3, 1])
        #expect(x.permute(2, 0, 1).shape == [3, 2, 1])
        let e = Tensor([1.0, 2.0, 3.0]).expand(2, 3)
        #expect(e.strides == [0, 1])
        #expect(e.toDoubles() == [1, 2, 3, 1, 2, 3])
        #expect(Tensor.arange(6).reshape(2, 3).flatten().shape == [6])
        #expect(Tensor.arange(6).unflatten(0, [2, -1]).shape == [2, 3])
    }

    @Test func reshapeCopiesWhenViewIsImpossible() {
        let x = Tensor.arange(6).reshape(2, 3).t()
        let r = x.reshape(6)
        #expect(r.toInts() == [0, 3, 1, 4, 2, 5])
        r[0] = Tensor(9)
        #expect(x[0, 0].itemInt() == 0)
    }

    @Test func narrowSelectAndSplit() {
        let x = Tensor.arange(10)
        #expect(x.narrow(0, 2, 3).toInts() == [2, 3, 4])
        #expect(x.split(4).map { $0.numel } == [4, 4, 2])
        #expect(x.chunk(3).map { $0.numel } == [4, 4, 2])
        #expect(Tensor.arange(6).reshape(2, 3).unbind(1).map { $0.toInts() } == [[0, 3], [1, 4], [2, 5]])
    }

    @Test func tInPlace() {
        let x = Tensor.arange(6).reshape(2, 3)
        x.t_()
        #expect(x.shape == [3, 2])
        #expect(x.contiguous().toInts() == [0, 3, 1, 4, 2, 5])
    }

    /// Growing past the storage keeps the stored elements in row-major order (the new ones are
    /// zeros here; PyTorch leaves them uninitialized); shrinking keeps the storage.
    @Test func resizeKeepsStoredElements() {
        let x = Tensor.arange(6).float()
        x.resize_([3, 3])
        #expect(x.shape == [3, 3] && x.strides == [3, 1])
        #expect(Array(x.toDoubles().prefix(6)) == [0, 1, 2, 3, 4, 5] && x.toDoubles().suffix(3) == [0, 0, 0])
        let storage = x.storage
        x.resize_([2])
        #expect(x.storage === storage && x.toDoubles() == [0, 1])
    }
}
