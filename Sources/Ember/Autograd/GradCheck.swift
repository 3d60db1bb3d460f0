/// Compares autograd's gradients of `f` with central finite differences, in float64.
/// PyTorch: `torch.autograd.gradcheck`. Returns whether every entry of the Jacobian agrees within
/// `atol + rtol * |numeric|`, or stops on the first mismatch when `raiseException` is true.
@discardableResult
public func gradcheck(_ f: ([Tensor]) -> Tensor, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5,
                      rtol: Double = 1e-3, raiseException: Bool = true) -> Bool {
    for x in inputs {
        check(x.dtype == .float64, "gradcheck: inputs must be float64, got \(x.dtype)")
    }
    let out = f(inputs)
    let outValues = out.toDoubles()
    var ok = true
    // One backward per output element gives the analytic Jacobian row by row.
    for o in 0..<Swift.max(outValues.count, 1) where !outValues.isEmpty {
        let seed = Tensor.zerosLike(out, dtype: .float64)
        seed.reshape([-1])[o] = Tensor(1.0, dtype: .float64)
        let wanted = inputs.filter { $0.requiresGrad }
        let grads = autograd.grad(outputs: [out], inputs: wanted, gradOutputs: [seed.to(out.dtype)],
                                  retainGraph: true, allowUnused: true)
        for (x, g) in zip(wanted, grads) {
            if let g, g.shape != x.shape {
                ok = false
                if raiseException {
                    fatalError("Gradient has wrong shape: got \(shapeString(g.shape)), expected \(shapeString(x.shape))")
                }
                continue
            }
            let analytic = g?.toDoubles() ?? [Double](repeating: 0, count: x.numel)
            let flat = x.data.reshape([-1])
            for i in 0..<x.numel {
                let orig = flat[i].item()
                flat[i] = Tensor(orig + eps, dtype: .float64)
                let plus = noGrad { f(inputs).toDoubles()[o] }
                flat[i] = Tensor(orig - eps, dtype: .float64)
                let minus = noGrad { f(inputs).toDoubles()[o] }
                flat[i] = Tensor(orig, dtype: .float64)
                let numeric = (plus - minus) / (2 * eps)
                if Swift.abs(numeric - analytic[i]) > atol + rtol * Swift.abs(numeric) {
                    ok = false
                    if raiseException {
                        fatalError("Jacobian mismatch for output \(o) with respect to input element \(i): numerical \(numeric) vs analytical \(analytic[i])")
                    }
                }
            }
        }
    }
    return ok
}
