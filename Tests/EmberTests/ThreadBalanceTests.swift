import Testing
@testable import Ember

// Loops split by the threads' measured speeds (`balancedParallelFor`) or taken in chunks as
// threads come free (`dynamicParallelFor`), and the recurrence kernels that run on them, whose
// results must not depend on the split.

@Suite(.serialized) struct ThreadBalanceTests {
    @Test func splitFollowsTheShares() {
        #expect(ThreadBalance.split(32, shares: [0.5, 0.5]) == [0..<16, 16..<32])
        #expect(ThreadBalance.split(32, shares: [0.6, 0.4]) == [0..<19, 19..<32])
        #expect(ThreadBalance.split(33, shares: [1.0 / 3, 1.0 / 3, 1.0 / 3]) == [0..<11, 11..<22, 22..<33])
        #expect(ThreadBalance.split(1024, shares: [0.55, 0.45]) == [0..<563, 563..<1024])
    }

    @Test func everyPartKeepsAtLeastOneItem() {
        #expect(ThreadBalance.split(32, shares: [1, 0]) == [0..<31, 31..<32])
        #expect(ThreadBalance.split(32, shares: [0, 1]) == [0..<1, 1..<32])
        #expect(ThreadBalance.split(10, shares: [0.5, 0, 0.5]) == [0..<5, 5..<6, 6..<10])
        #expect(ThreadBalance.split(3, shares: [0.2, 0.2, 0.6]) == [0..<1, 1..<2, 2..<3])
    }

    @Test func sharesMoveTowardTheMeasuredSpeeds() {
        // Thread 0 did 16 rows in 1 s, thread 1 16 rows in 2 s: speeds 2:1, so the target is 2/3.
        let moved = ThreadBalance.updated([0.5, 0.5], [0..<16, 16..<32], [1, 2])
        #expect(Swift.abs(moved[0] - (0.5 + ThreadBalance.rate * (2.0 / 3 - 0.5))) < 1e-12)
        #expect(Swift.abs(moved[0] + moved[1] - 1) < 1e-12)
        // Repeated, the shares settle where both threads finish together.
        var shares = [0.5, 0.5]
        for _ in 0..<60 {
            let ranges = ThreadBalance.split(3000, shares: shares)
            shares = ThreadBalance.updated(shares, ranges, [Double(ranges[0].count) / 2, Double(ranges[1].count)])
        }
        #expect(Swift.abs(shares[0] - 2.0 / 3) < 1e-3)
        // A timing of zero or nothing at all leaves them finite.
        #expect(ThreadBalance.updated([0.5, 0.5], [0..<0, 0..<0], [0, 0]) == [0.5, 0.5])
        #expect(ThreadBalance.updated([0.5, 0.5], [0..<4, 4..<8], [0, 1]).allSatisfy { $0.isFinite })
    }

    @Test(arguments: [(1024, 48), (10, 3), (5, 8), (0, 4)])
    func dynamicLoopsRunEveryIndexOnce(_ n: Int, _ chunk: Int) {
        // Checked after the loop: `#expect` on the kernel threads would not reach the test.
        var hits = [Int](repeating: 0, count: n), badChunks = [Int](repeating: 0, count: Threads.count)
        let threads = Threads.count
        hits.withUnsafeMutableBufferPointer { hits in
            badChunks.withUnsafeMutableBufferPointer { bad in
                dynamicParallelFor(n, chunk: chunk, threads: threads) { thread, range in
                    if thread >= threads || range.count > chunk { bad[0] += 1 }
                    for i in range { hits[i] += 1 }
                }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 } && badChunks[0] == 0)
    }

    /// The recurrence kernels' outputs and every gradient are the same bits whichever way the
    /// batch's rows are split across the threads: the bias sums are made per row and the one-hot
    /// table per column, never per thread. Each run starts from forced shares (the first part's
    /// rows 8 of 9, then 1 of 9; each call's timing then moves them), from a given state and from
    /// none.
    @Test(arguments: ["rnn_tanh", "gru", "lstm"], [true, false])
    func recurrenceKernelsDoNotDependOnTheSplit(_ kind: String, _ oneHot: Bool) {
        let parts = Swift.min(Threads.count, 9)
        let skewed = { (first: Double) in [first] + Array(repeating: (1 - first) / Double(parts - 1), count: parts - 1) }
        for givenState in [true, false] {
            let runs = [0.5, 0.9, 0.1].map { first in
                ThreadBalance.set(parts > 1 ? skewed(first) : [])
                return recurrentRun(kind, oneHot: oneHot, givenState: givenState, shares: parts > 1 ? skewed(first) : [])
            }
            ThreadBalance.set([])
            #expect(runs[1] == runs[0] && runs[2] == runs[0], "given state: \(givenState)")
        }
    }

    /// Outputs and gradients, flattened, of `recurrentLayer(kind)` on a batch of 9, with `shares`
    /// set before forward and before backward.
    private func recurrentRun(_ kind: String, oneHot: Bool, givenState: Bool, shares: [Double]) -> [Float] {
        let tokens = Tensor.randint(0, 5, [7, 9], generator: Generator(seed: 3))
        let x = oneHot ? F.oneHot(tokens, numClasses: 5).to(.float32) : Tensor.randn([7, 9, 5], generator: Generator(seed: 5))
        let module = recurrentLayer(kind, hidden: 20)
        let input = x.detach().requiresGrad_(!oneHot)
        let h0 = Tensor.randn([4, 9, 20], generator: Generator(seed: 6)).requiresGrad_()
        let c0 = Tensor.randn([4, 9, 20], generator: Generator(seed: 8)).requiresGrad_()
        let out = flatRecurrentRun(module, input, givenState ? h0 : nil, givenState ? c0 : nil)
        ThreadBalance.set(shares)
        (out * out).sum().backward()
        let states = givenState ? [h0] + (kind == "lstm" ? [c0] : []) : []
        let grads = module.parameters() + states + (oneHot ? [] : [input])
        return out.toFloats() + grads.flatMap { $0.grad!.toFloats() }
    }
}
