import Foundation
import Testing
@testable import Ember

/// One LeNet training step on real Fashion-MNIST images against PyTorch's, from the same weights
/// (`scripts/fixtures/lenet_step.py`): preprocessing, loss, every gradient, and five Adam steps.
@Suite struct LeNetStepTests {
    private static let fixture: [String: Tensor] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lenet_step.safetensors").path
        return Dictionary(uniqueKeysWithValues: try! SafeTensors.load(from: path))
    }()

    private func lenet() throws -> Sequential {
        let net = textbookLeNet()
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lenet_torch.safetensors").path
        try net.load(from: path)
        return net
    }

    private var batch: (Tensor, Tensor) {
        let f = Self.fixture
        let x = F.interpolate((f["images"]!.to(.float32) / 255).unsqueeze(1), size: [32, 32], mode: "bilinear")
        return (x, f["labels"]!)
    }

    @Test func gradientsMatchPyTorch() throws {
        let net = try lenet(), (x, y) = batch
        let loss = F.crossEntropy(net(x), y)
        #expect(abs(loss.item() - Self.fixture["loss"]!.item()) < 1e-5)
        loss.backward()
        for (key, p) in net.namedParameters() {
            let want = Self.fixture["grad." + key]!
            #expect(p.grad!.allclose(want, rtol: 1e-3, atol: 1e-6), "gradient of \(key)")
        }
    }

    @Test func fiveAdamStepsMatchPyTorch() throws {
        let net = try lenet(), (x, y) = batch
        let optimizer = Adam(net.parameters(), lr: 1e-3)
        for _ in 0..<5 {
            optimizer.zeroGrad()
            F.crossEntropy(net(x), y).backward()
            optimizer.step()
        }
        for (key, p) in net.namedParameters() {
            #expect(p.allclose(Self.fixture["after." + key]!, rtol: 1e-4, atol: 1e-5), "\(key) after five steps")
        }
    }
}

/// The textbook's LeNet (ReLU, average pooling, 32×32 input), as torch_ref.py builds it.
func textbookLeNet() -> Sequential {
    Sequential(Conv2d(1, 6, 5), ReLU(), AvgPool2d(2, stride: 2), Conv2d(6, 16, 5), ReLU(), AvgPool2d(2, stride: 2),
               Flatten(), Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10))
}
