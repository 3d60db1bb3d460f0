import Foundation

extension Tensor {
    /// A float-only binary op (integers are refused with PyTorch's "not implemented" message when
    /// `integers` is false, else computed in float32) with its backward.
    private func floatBinary<Fn: BinaryFunction>(_ f: Fn.Type, _ other: Tensor, _ name: String, _ kernelName: String,
                                                 integers: Bool = false,
                                                 _ backward: @escaping (_ g: Tensor, _ out: Tensor) -> [Tensor?]) -> Tensor {
        let rt = Tensor.resultType(self, other)
        check(integers || rt.isFloatingPoint, "\"\(kernelName)\" not implemented for '\(rt.castName)'")
        let out = Tensor.binaryForward(f, self, other, floatResult: true)
        return out.recording(name, [self, other], saved: [self, other], savesOutput: true) { g, out in backward(g, out) }
    }

    /// `sqrt(self² + other²)`. PyTorch: `torch.hypot`.
    public func hypot(_ other: Tensor) -> Tensor {
        floatBinary(BinaryFn.Hypot.self, other, "HypotBackward0", "hypot_cpu") { [self] g, out in
            [(g * self / out).gradFor(self), (g * other / out).gradFor(other)]
        }
    }

    /// `log(exp(self) + exp(other))` without overflow. PyTorch: `torch.logaddexp`.
    public func logaddexp(_ other: Tensor) -> Tensor {
        floatBinary(BinaryFn.Logaddexp.self, other, "LogaddexpBackward0", "logaddexp_cpu") { [self] g, _ in
            [(g / ((other - self).exp() + 1.0)).gradFor(self), (g / ((self - other).exp() + 1.0)).gradFor(other)]
        }
    }

    /// `log2(2^self + 2^other)`. PyTorch: `torch.logaddexp2`.
    public func logaddexp2(_ other: Tensor) -> Tensor {
        floatBinary(BinaryFn.Logaddexp2.self, other, "Logaddexp2Backward0", "logaddexp2_cpu") { [self] g, _ in
            [(g / ((other - self).exp2() + 1.0)).gradFor(self), (g / ((self - other).exp2() + 1.0)).gradFor(other)]
        }
    }

    /// `self · log(other)`, 0 where `self` is 0 (unless `other` is NaN). PyTorch: `torch.xlogy`.
    public func xlogy(_ other: Tensor) -> Tensor {
        floatBinary(BinaryFn.Xlogy.self, other, "XlogyBackward0", "xlogy_cpu", integers: true) { [self] g, _ in
            // g · log(other), 0 where self is 0 and other ≤ 0 (PyTorch's rule).
            let zero = (self .== 0.0).logicalAnd(other .<= 0.0)
            return [(g.xlogy(other).maskedFill(zero, 0)).gradFor(self), (g * self / other).gradFor(other)]
        }
    }

    /// The magnitude of `self` with the sign of `other` (integers give float32). PyTorch: `torch.copysign`.
    public func copysign(_ other: Tensor) -> Tensor {
        floatBinary(BinaryFn.Copysign.self, other, "CopysignBackward0", "copysign_cpu", integers: true) { [self] g, out in
            // out / self, 0 where self is 0: ±1 by whether the sign flipped.
            let zero = self .== 0.0
            let ratio = Tensor.where(zero, Tensor.zerosLike(out), out / Tensor.where(zero, Tensor.onesLike(out), self))
            return [(g * ratio).gradFor(self), other.requiresGradFlag ? Tensor.zerosLike(other) : nil]
        }
    }
}
