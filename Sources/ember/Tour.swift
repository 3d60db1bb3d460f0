import ArgumentParser
import Ember

/// `ember tour`: a short walk through tensors and autograd, mirroring the textbook's first chapter.
struct Tour: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a short tour of tensors and autograd.")

    func run() {
        manualSeed(0)
        print("# Tensors")
        let x = Tensor.arange(12).reshape(3, 4)
        print("x = Tensor.arange(12).reshape(3, 4)\n\(x)")
        print("x.shape = \(x.shape), x.dtype = \(x.dtype)")
        let v = x.view(-1)
        v[0] = Tensor(100)
        print("views share memory: after v[0] = 100, x[0, 0] = \(x[0, 0].itemInt())")
        let y = x.float() / 2.0 + Tensor([1.0, 2.0, 3.0, 4.0])
        print("broadcasting: x.float() / 2 + [1, 2, 3, 4] =\n\(y)")
        print("row sums: \(y.sum(dim: 1)),  column max: \(y.max(dim: 0).values)")
        print("x[1..., .slice(nil, nil, step: 2)] =\n\(x[1..., .slice(nil, nil, step: 2)])")
        print("matmul: \(Tensor.eye(2).matmul(Tensor([[1.0, 2.0], [3.0, 4.0]])))")

        print("\n# Autograd")
        let w = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
        let loss = (w * w).sum()
        print("w = \(w)\nloss = (w * w).sum() = \(loss)")
        loss.backward()
        print("w.grad = \(w.grad!)   (2w)")
        let z = Tensor.ones([1], requiresGrad: true)
        let sq = z ** 2
        z.data *= 100
        sq.backward()
        print("x.data *= 100 after y = x**2: y = \(sq.item()), x = \(z.item()), x.grad = \(z.grad!.item())")
        let cube = noGrad { w ** 3 }
        print("under noGrad: \(cube)")

        print("\n# Operators (F)")
        let image = Tensor.randn(2, 1, 8, 8)
        let kernel = Tensor.randn([4, 1, 3, 3], requiresGrad: true), bias = Tensor.zeros([4], requiresGrad: true)
        let features = F.maxPool2d(F.relu(F.conv2d(image, kernel, bias, stride: [1], padding: 1)), kernelSize: [2])
        let logits = features.flatten(startDim: 1).matmul(Tensor.randn(64, 3))
        let labels = Tensor([0, 2])
        let ce = F.crossEntropy(logits, labels, labelSmoothing: 0.1)
        ce.backward()
        print("conv → relu → max-pool: \(features.shape); cross-entropy \(ce)")
        print("kernel.grad shape \(kernel.grad!.shape), softmax rows sum to \(F.softmax(logits, dim: 1).sum(dim: 1))")
    }
}
