/// The outcome of comparing autograd's Jacobian with central finite differences.
public struct GradcheckResult: Sendable {
    /// Whether every entry agreed within `atol + rtol * |numeric|` and every gradient had its input's shape.
    public let passed: Bool
    /// The entry where the two disagree most (or the shape problem), for messages.
    public let worst: String
}

/// Compares autograd's Jacobian of `f` at `inputs` with central finite differences, in float64,
/// without stopping. The engine behind `gradcheck`.
public func gradcheckResult(_ f: ([Tensor]) -> Tensor, _ inputs: [Tensor], eps: Double = 1e-6,
                            atol: Double = 1e-5, rtol: Double = 1e-3) -> GradcheckResult {
    for x in inputs {
        check(x.dtype == .float64, "gradcheck: inputs must be float64, got \(x.dtype)")
    }
    let out = f(inputs)
    let wanted = inputs.filter { $0.requiresGrad }
    // Numerical Jacobian one input element (column) at a time: two evaluations each.
    var numeric: [[[Double]]] = []
    for x in wanted {
        let flat = x.data.reshape([-1])
        numeric.append((0..<x.numel).map { i in
            let orig = flat[i].item()
            flat[i] = Tensor(orig + eps, dtype: .float64)
            let plus = noGrad { f(inputs).toDoubles() }
            flat[i] = Tensor(orig - eps, dtype: .float64)
            let minus = noGrad { f(inputs).toDoubles() }
            flat[i] = Tensor(orig, dtype: .float64)
            return zip(plus, minus).map { ($0 - $1) / (2 * eps) }
        })
    }
    var passed = true
    var worst = (diff: -1.0, text: "")
    // Analytic Jacobian one output element (row) at a time: one backward each.
    for o in 0..<out.numel {
        let seed = Tensor.zerosLike(out, dtype: .float64)
        seed.reshape([-1])[o] = Tensor(1.0, dtype: .float64)
        let grads = autograd.grad(outputs: [out], inputs: wanted, gradOutputs: [seed.to(out.dtype)],
                                  retainGraph: true, allowUnused: true)
        for (k, (x, g)) in zip(wanted, grads).enumerated() {
            if let g, g.shape != x.shape {
                return GradcheckResult(passed: false,
                                       worst: "gradient of input \(k) has shape \(shapeString(g.shape)), expected \(shapeString(x.shape))")
            }
            let analytic = g?.toDoubles() ?? [Double](repeating: 0, count: x.numel)
            for i in 0..<x.numel {
                let num = numeric[k][i][o]
                let diff = Swift.abs(num - analytic[i])
                if !(diff <= atol + rtol * Swift.abs(num)) { passed = false }
                if diff > worst.diff || diff.isNaN {
                    worst = (diff.isNaN ? .infinity : diff,
                             "output \(o), input \(k) element \(i): numerical \(num) vs analytical \(analytic[i])")
                }
            }
        }
    }
    return GradcheckResult(passed: passed, worst: worst.text)
}

/// Compares autograd's gradients of `f` with central finite differences, in float64.
/// PyTorch: `torch.autograd.gradcheck`. Returns whether every entry of the Jacobian agrees within
/// `atol + rtol * |numeric|`, or stops naming the worst entry when `raiseException` is true.
@discardableResult
public func gradcheck(_ f: ([Tensor]) -> Tensor, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5,
                      rtol: Double = 1e-3, raiseException: Bool = true) -> Bool {
    let result = gradcheckResult(f, inputs, eps: eps, atol: atol, rtol: rtol)
    check(result.passed || !raiseException, "Jacobian mismatch: \(result.worst)")
    return result.passed
}
