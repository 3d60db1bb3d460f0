import Foundation

/// Fused optimizer updates: one pass over a contiguous parameter, its gradient and its state
/// buffers, updated in place. Each element follows the order of operations of PyTorch's
/// single-tensor (`foreach=False`) implementation, one rounding per PyTorch op, with the
/// hyperparameters rounded to the parameter's type as PyTorch's scalar arguments are.
enum OptimizerKernels {
    /// Elements per thread-pool task's worth of work: the updates are a handful of flops each.
    private static let cost = 4

    /// `lerp(a, b, w)` as PyTorch computes it (exact at both ends).
    @inline(__always)
    private static func lerp<T: BinaryFloatingPoint>(_ a: T, _ b: T, _ w: T) -> T {
        Swift.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
    }

    /// SGD. `buffer` is the momentum buffer (nil without momentum); on the first step it is
    /// filled with the gradient instead of being decayed.
    static func sgd<T: BinaryFloatingPoint>(
        _ n: Int, param p: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, buffer: UnsafeMutablePointer<T>?,
        firstStep: Bool, lr: Double, weightDecay: Double, momentum: Double, dampening: Double, nesterov: Bool
    ) {
        let negLr = T(-lr), wd = T(weightDecay), mom = T(momentum), keep = T(1 - dampening)
        parallelFor(n, costPerItem: cost) { r in
            for i in r {
                var g = grad[i]
                if weightDecay != 0 { g = g + wd * p[i] }
                if let buf = buffer {
                    let b = firstStep ? g : buf[i] * mom + keep * g
                    buf[i] = b
                    g = nesterov ? g + mom * b : b
                }
                p[i] = p[i] + negLr * g
            }
        }
    }

    /// Adam and AdamW (`decoupled`). `maxExpAvgSq` is AMSGrad's running maximum (nil without).
    static func adam<T: BinaryFloatingPoint>(
        _ n: Int, param p: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, expAvg m: UnsafeMutablePointer<T>,
        expAvgSq v: UnsafeMutablePointer<T>, maxExpAvgSq vmax: UnsafeMutablePointer<T>?,
        step: Double, lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupled: Bool
    ) {
        let biasCorrection1 = 1 - Foundation.pow(beta1, step)
        let biasCorrection2Sqrt = Foundation.pow(1 - Foundation.pow(beta2, step), 0.5)
        let negStepSize = T(-(lr / biasCorrection1)), bc2 = T(biasCorrection2Sqrt)
        let decay = T(1 - lr * weightDecay), wd = T(weightDecay)
        let w1 = T(1 - beta1), b2 = T(beta2), w2 = T(1 - beta2), e = T(eps)
        let l2 = weightDecay != 0 && !decoupled, shrink = weightDecay != 0 && decoupled
        parallelFor(n, costPerItem: cost) { r in
            for i in r {
                var g = grad[i]
                if shrink { p[i] = p[i] * decay }
                if l2 { g = g + wd * p[i] }
                let mi = lerp(m[i], g, w1)
                m[i] = mi
                var vi = v[i] * b2
                vi = vi + w2 * g * g
                v[i] = vi
                if let vmax { vi = Swift.max(vmax[i], vi); vmax[i] = vi }
                let denom = vi.squareRoot() / bc2 + e
                p[i] = p[i] + negStepSize * mi / denom
            }
        }
    }

    /// RMSprop. `gradAvg` is the centered variant's running mean (nil when not centered),
    /// `buffer` the momentum buffer (nil without momentum).
    static func rmsprop<T: BinaryFloatingPoint>(
        _ n: Int, param p: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, squareAvg sq: UnsafeMutablePointer<T>,
        gradAvg: UnsafeMutablePointer<T>?, buffer: UnsafeMutablePointer<T>?,
        lr: Double, alpha: Double, eps: Double, weightDecay: Double, momentum: Double
    ) {
        let negLr = T(-lr), a = T(alpha), w = T(1 - alpha), e = T(eps), wd = T(weightDecay), mom = T(momentum)
        parallelFor(n, costPerItem: cost) { r in
            for i in r {
                var g = grad[i]
                if weightDecay != 0 { g = g + wd * p[i] }
                var s = sq[i] * a
                s = s + w * g * g
                sq[i] = s
                var avg: T
                if let gradAvg {
                    let ga = lerp(gradAvg[i], g, w)
                    gradAvg[i] = ga
                    avg = (s + -1 * ga * ga).squareRoot()
                } else {
                    avg = s.squareRoot()
                }
                avg = avg + e
                if let buffer {
                    let b = buffer[i] * mom + 1 * g / avg
                    buffer[i] = b
                    p[i] = p[i] + negLr * b
                } else {
                    p[i] = p[i] + negLr * g / avg
                }
            }
        }
    }

    /// Adagrad; `lr` is the step's decayed rate `lr / (1 + (step - 1) * lr_decay)`.
    static func adagrad<T: BinaryFloatingPoint>(
        _ n: Int, param p: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, sum: UnsafeMutablePointer<T>,
        lr: Double, eps: Double, weightDecay: Double
    ) {
        let negLr = T(-lr), e = T(eps), wd = T(weightDecay)
        parallelFor(n, costPerItem: cost) { r in
            for i in r {
                var g = grad[i]
                if weightDecay != 0 { g = g + wd * p[i] }
                let s = sum[i] + 1 * g * g
                sum[i] = s
                p[i] = p[i] + negLr * g / (s.squareRoot() + e)
            }
        }
    }
}
