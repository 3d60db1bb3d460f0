import Foundation
import Testing
@testable import Ember

/// `Device` and `to(device)` as PyTorch has them on a CPU-only build.
@Suite struct DeviceTests {
    @Test func devicesParseAsPyTorchWritesThem() {
        #expect(Device("cpu") == .cpu)
        #expect(Device("cuda:1").index == 1 && Device("cuda:1").description == "cuda:1")
        #expect(Device("cpu:0").description == "cpu:0")
        #expect(!cuda.isAvailable() && cuda.deviceCount() == 0)
    }

    /// `to` returns the tensor itself when nothing changes; an indexed device (`cpu:0`) is not
    /// the tensor's `cpu`, so PyTorch copies (`x.to("cpu:0") is x` is False), as does `copy: true`.
    @Test func toCopiesOnlyWhenSomethingChanges() {
        let x = Tensor([1.0, 2, 3], requiresGrad: true)
        #expect(x.to(.cpu) === x && x.cpu() === x && x.to(.float32) === x)
        for copy in [x.to(Device("cpu:0")), x.to(.cpu, copy: true), x.to(.float32, copy: true)] {
            #expect(copy !== x && copy.storage !== x.storage)
            #expect(copy.toDoubles() == x.toDoubles() && copy.device == .cpu)
            #expect(copy.gradFn?.name == "ToCopyBackward0")
        }
        let layer = Linear(2, 2)
        let weight = layer.weight
        #expect(layer.to(Device("cpu:0")).weight === weight)
    }
}
