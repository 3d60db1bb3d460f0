import Testing
@testable import Ember

@Suite struct AutogradTests {
    /// `exp` saves its output for backward; overwriting it in place must stop backward (as in
    /// PyTorch) rather than give a wrong gradient.
    @Test func overwritingASavedOutputStopsBackward() async {
        await #expect(processExitsWith: .failure) {
            let x = Tensor([0.5, 1.0], dtype: .float64, requiresGrad: true)
            let y = x.exp()
            y.mul_(3.0)
            y.sum().backward()
        }
    }

    @Test func noGradBranchIsNotDifferentiated() {
        // Study notes: y3 = x**2 + x**3 with the cube under no_grad gives x.grad == 2x.
        let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
        let y1 = x ** 2
        let y2 = noGrad { x ** 3 }
        let y3 = y1 + y2
        #expect(!y2.requiresGrad)
        y3.sum().backward()
        #expect(x.grad!.toDoubles() == [2, 4, 6])
    }

    @Test func dataMultiplyMatchesTheNotes() {
        let x = Tensor.ones([1], requiresGrad: true)
        let y = x ** 2
        x.data *= 100
        #expect(y.item() == 1)
        y.backward()
        #expect(x.item() == 100)
        #expect(x.grad!.item() == 200)
    }

    @Test func leafUsedTwiceAccumulatesBothPaths() {
        let x = Tensor([3.0], requiresGrad: true)
        let y = x * x + x
        y.backward()
        #expect(x.grad!.item() == 7)
    }

    @Test func gradientsAccumulateAcrossCallsUntilZeroed() {
        let x = Tensor([2.0], requiresGrad: true)
        (x * 3.0).backward()
        (x * 3.0).backward()
        #expect(x.grad!.item() == 6)
        x.grad!.zero_()
        (x * 3.0).backward()
        #expect(x.grad!.item() == 3)
    }

    /// A first gradient nothing else holds becomes `.grad` without a copy; gradients that are
    /// shared (one tensor sent to two leaves, views of one buffer, a retained intermediate's)
    /// must still end up in separate buffers.
    @Test func firstGradientsNeverAlias() {
        let a = Tensor([1.0, 2.0], requiresGrad: true), b = Tensor([3.0, 4.0], requiresGrad: true)
        (a + b).sum().backward()  // AddBackward0 sends one tensor to both
        a.grad!.add_(Tensor([10.0, 10.0]))
        #expect(b.grad!.toDoubles() == [1, 1])

        let c = Tensor([1.0, 2.0], requiresGrad: true), d = Tensor([3.0], requiresGrad: true)
        (Tensor.cat([c, d]) * Tensor([1.0, 2.0, 3.0])).sum().backward()  // slices of one buffer
        c.grad!.zero_()
        #expect(d.grad!.toDoubles() == [3])

        let w = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
        let h = w * 2.0
        h.retainGrad()
        let wt = w.t()  // the linear-layer shape: a weight gradient arriving as `t()` of `t()`
        (h.sum() + Tensor([[1.0, 1.0]]).mm(wt).sum()).backward()
        #expect(w.grad!.toDoubles() == [3, 3, 3, 3])
        #expect(h.grad!.toDoubles() == [1, 1, 1, 1])
        w.grad!.zero_()
        #expect(h.grad!.toDoubles() == [1, 1, 1, 1])
        (Tensor([[1.0, 1.0]]).mm(w.t()).sum()).backward()
        (Tensor([[1.0, 1.0]]).mm(w.t()).sum()).backward()
        #expect(w.grad!.toDoubles() == [2, 2, 2, 2])
    }

    @Test func gradFnNamesAndLeaves() {
        let a = Tensor([1.0, 2.0], requiresGrad: true)
        let b = a + 1.0
        #expect(a.isLeaf && a.gradFn == nil)
        #expect(!b.isLeaf)
        #expect(b.gradFn?.name == "AddBackward0")
        #expect((a * b).gradFn?.name == "MulBackward0")
        #expect(a.sum().gradFn?.name == "SumBackward0")
        let stacked = Tensor.stack([a, b])
        #expect(stacked.gradFn?.name == "StackBackward0" && stacked.gradFn!.nextFunctions.count == 2)
    }

    @Test func doubleBackward() {
        let x = Tensor([2.0], dtype: .float64, requiresGrad: true)
        let y = x ** 3
        let (g) = autograd.grad(outputs: [y], inputs: [x], createGraph: true)[0]!
        #expect(g.item() == 12)
        let gg = autograd.grad(outputs: [g], inputs: [x])[0]!
        #expect(gg.item() == 12)
    }

    @Test func retainGradOnIntermediate() {
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        let y = x * 2.0
        y.retainGrad()
        y.sum().backward()
        #expect(y.grad!.toDoubles() == [1, 1])
        #expect(x.grad!.toDoubles() == [2, 2])
    }

    @Test func inPlaceOnViewRewritesBaseHistory() {
        let x = Tensor([1.0, 2.0, 3.0], dtype: .float64, requiresGrad: true)
        let y = x * 1.0
        y[0].mul_(Tensor(2.0, dtype: .float64))
        y.narrow(0, 1, 2).add_(x.narrow(0, 0, 2))
        #expect(y.toDoubles() == [2, 3, 5])
        #expect(y.gradFn?.name == "CopySlices")
        y.sum().backward()
        #expect(x.grad!.toDoubles() == [3, 2, 1])
        #expect(gradcheck({ inputs in
            let y = inputs[0] * 1.0
            y[1..<3] = inputs[0][0..<2] * inputs[0][0..<2]
            y[0].mul_(inputs[0][2])
            return y
        }, [Tensor([1.5, -2.0, 0.5], dtype: .float64, requiresGrad: true)]))
    }

    @Test func inPlaceOpsLeaveNoReferenceCycle() {
        // Each in-place pattern below once gave a tensor a history that held the tensor itself.
        weak var tripled: Tensor?, viewWritten: Tensor?, filled: Tensor?, elementwise: Tensor?
        do {
            let x = Tensor([1.0, 2.0, 3.0], dtype: .float64, requiresGrad: true)
            let y = x * 1.0
            y.add_(y * 2)
            tripled = y
            let z = x * 1.0
            z[0].mul_(Tensor(2.0, dtype: .float64))
            viewWritten = z
            let out = Tensor.zeros([2, 3], dtype: .float64)
            out[0] = x * 2
            out[1] = x * 3
            filled = out
            // Element by element, two subscripts deep (the book's corr2d): the inner select's
            // input is a view of `grid`, whose base is `grid`.
            let grid = Tensor.zeros([2, 2], dtype: .float64)
            for i in 0..<2 { for j in 0..<2 { grid[i, j] = x[i + j] * 1.0 } }
            elementwise = grid
            (y.sum() + z.sum() + out.sum() + grid.sum()).backward()
            #expect(x.grad!.toDoubles() == [11, 11, 10])  // 3 + (2, 1, 1) + (2 + 3) + (1, 2, 1)
        }
        #expect(tripled == nil && viewWritten == nil && filled == nil && elementwise == nil)
    }

    @Test func anomalyDetectionNamesTheOpThatMadeNaN() async {
        let x = Tensor([0.0, 1.0], requiresGrad: true)
        (x.sqrt() * 0).sum().backward()
        #expect(x.grad!.isnan().toDoubles() == [1, 0], "without it, the NaN only reaches the gradient")
        #expect(!autograd.isAnomalyEnabled)
        autograd.detectAnomaly { #expect(autograd.isAnomalyEnabled) }
        #expect(!autograd.isAnomalyEnabled)
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            autograd.detectAnomaly {
                let x = Tensor([0.0, 1.0], requiresGrad: true)
                (x.sqrt() * 0).sum().backward()
            }
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Function 'SqrtBackward0' returned nan values in its 0th output."), "\(text)")
            #expect(text.contains("Traceback of the forward call that created it:"), "\(text)")
            #expect(text.contains("Tensor.sqrt()"), "the trace names the forward call: \(text)")
        }
    }
}
