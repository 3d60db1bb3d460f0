import Foundation

// Fused optimizer updates: one pass over a contiguous parameter, its gradient and its state
// buffers, updated in place. Each element follows the order of operations of PyTorch's
// single-tensor (`foreach=False`) implementation, one rounding per PyTorch op, with the
// hyperparameters rounded to the parameter's type as PyTorch's scalar arguments are.

/// `lerp(a, b, w)` as PyTorch computes it (exact at both ends); `small` is `|w| < 0.5`.
@inline(__always)
private func lerp<L: Lane>(_ a: L, _ b: L, _ w: L.Scalar, small: Bool) -> L {
    small ? a + L.splat(w) * (b - a) : b - (b - a) * L.splat(1 - w)
}

/// SGD. `buffer` is the momentum buffer (nil without momentum); on the first step it is filled
/// with the gradient instead of being decayed.
struct SGDKernel<T: LaneScalar>: LaneKernel {
    let param: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, buffer: UnsafeMutablePointer<T>?
    let firstStep: Bool, nesterov: Bool
    let negLr: T, weightDecay: T, momentum: T, keep: T

    init(param: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, buffer: UnsafeMutablePointer<T>?,
         firstStep: Bool, lr: Double, weightDecay: Double, momentum: Double, dampening: Double, nesterov: Bool) {
        (self.param, self.grad, self.buffer, self.firstStep, self.nesterov) = (param, grad, buffer, firstStep, nesterov)
        (negLr, self.weightDecay, self.momentum, keep) = (T(-lr), T(weightDecay), T(momentum), T(1 - dampening))
    }

    @inline(__always)
    func lane<L: Lane>(_: L.Type, _ i: Int) where L.Scalar == T {
        let p = L.load(param, i)
        var g = L.load(grad, i)
        if weightDecay != 0 { g = g + L.splat(weightDecay) * p }
        if let buffer {
            let b = firstStep ? g : L.load(buffer, i) * L.splat(momentum) + L.splat(keep) * g
            b.store(buffer, i)
            g = nesterov ? g + L.splat(momentum) * b : b
        }
        (p + L.splat(negLr) * g).store(param, i)
    }
}

/// Adam and AdamW (`decoupled`). `maxExpAvgSq` is AMSGrad's running maximum (nil without).
struct AdamKernel<T: LaneScalar>: LaneKernel {
    let param, grad, expAvg, expAvgSq: UnsafeMutablePointer<T>, maxExpAvgSq: UnsafeMutablePointer<T>?
    let negStepSize: T, biasCorrection2Sqrt: T, decay: T, weightDecay: T, w1: T, beta2: T, w2: T, eps: T
    let l2: Bool, shrink: Bool, smallW1: Bool

    init(param: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, expAvg: UnsafeMutablePointer<T>,
         expAvgSq: UnsafeMutablePointer<T>, maxExpAvgSq: UnsafeMutablePointer<T>?, step: Double, lr: Double,
         beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupled: Bool) {
        (self.param, self.grad, self.expAvg, self.expAvgSq, self.maxExpAvgSq) = (param, grad, expAvg, expAvgSq, maxExpAvgSq)
        let biasCorrection1 = 1 - Foundation.pow(beta1, step)
        negStepSize = T(-(lr / biasCorrection1))
        biasCorrection2Sqrt = T(Foundation.pow(1 - Foundation.pow(beta2, step), 0.5))
        decay = T(1 - lr * weightDecay)
        self.weightDecay = T(weightDecay)
        (w1, self.beta2, w2, self.eps) = (T(1 - beta1), T(beta2), T(1 - beta2), T(eps))
        l2 = weightDecay != 0 && !decoupled
        shrink = weightDecay != 0 && decoupled
        smallW1 = Swift.abs(w1) < 0.5
    }

    @inline(__always)
    func lane<L: Lane>(_: L.Type, _ i: Int) where L.Scalar == T {
        var p = L.load(param, i), g = L.load(grad, i)
        if shrink { p = p * L.splat(decay) }
        if l2 { g = g + L.splat(weightDecay) * p }
        let m = lerp(L.load(expAvg, i), g, w1, small: smallW1)
        m.store(expAvg, i)
        var v = L.load(expAvgSq, i) * L.splat(beta2)
        v = v + L.splat(w2) * g * g
        v.store(expAvgSq, i)
        if let maxExpAvgSq {
            v = L.larger(L.load(maxExpAvgSq, i), v)
            v.store(maxExpAvgSq, i)
        }
        let denom = v.sqrt() / L.splat(biasCorrection2Sqrt) + L.splat(eps)
        (p + L.splat(negStepSize) * m / denom).store(param, i)
    }
}

/// RMSprop. `gradAvg` is the centered variant's running mean (nil when not centered), `buffer`
/// the momentum buffer (nil without momentum).
struct RMSpropKernel<T: LaneScalar>: LaneKernel {
    let param, grad, squareAvg: UnsafeMutablePointer<T>, gradAvg, buffer: UnsafeMutablePointer<T>?
    let negLr: T, alpha: T, w: T, eps: T, weightDecay: T, momentum: T, smallW: Bool

    init(param: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, squareAvg: UnsafeMutablePointer<T>,
         gradAvg: UnsafeMutablePointer<T>?, buffer: UnsafeMutablePointer<T>?,
         lr: Double, alpha: Double, eps: Double, weightDecay: Double, momentum: Double) {
        (self.param, self.grad, self.squareAvg, self.gradAvg, self.buffer) = (param, grad, squareAvg, gradAvg, buffer)
        (negLr, self.alpha, w, self.eps) = (T(-lr), T(alpha), T(1 - alpha), T(eps))
        (self.weightDecay, self.momentum) = (T(weightDecay), T(momentum))
        smallW = Swift.abs(w) < 0.5
    }

    @inline(__always)
    func lane<L: Lane>(_: L.Type, _ i: Int) where L.Scalar == T {
        let p = L.load(param, i)
        var g = L.load(grad, i)
        if weightDecay != 0 { g = g + L.splat(weightDecay) * p }
        var s = L.load(squareAvg, i) * L.splat(alpha)
        s = s + L.splat(w) * g * g
        s.store(squareAvg, i)
        var avg: L
        if let gradAvg {
            let ga = lerp(L.load(gradAvg, i), g, w, small: smallW)
            ga.store(gradAvg, i)
            avg = (s - ga * ga).sqrt()
        } else {
            avg = s.sqrt()
        }
        avg = avg + L.splat(eps)
        if let buffer {
            let b = L.load(buffer, i) * L.splat(momentum) + g / avg
            b.store(buffer, i)
            (p + L.splat(negLr) * b).store(param, i)
        } else {
            (p + L.splat(negLr) * g / avg).store(param, i)
        }
    }
}

/// Adagrad; `lr` is the step's decayed rate `lr / (1 + (step - 1) * lr_decay)`.
struct AdagradKernel<T: LaneScalar>: LaneKernel {
    let param, grad, sum: UnsafeMutablePointer<T>
    let negLr: T, eps: T, weightDecay: T

    init(param: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>, sum: UnsafeMutablePointer<T>,
         lr: Double, eps: Double, weightDecay: Double) {
        (self.param, self.grad, self.sum) = (param, grad, sum)
        (negLr, self.eps, self.weightDecay) = (T(-lr), T(eps), T(weightDecay))
    }

    @inline(__always)
    func lane<L: Lane>(_: L.Type, _ i: Int) where L.Scalar == T {
        let p = L.load(param, i)
        var g = L.load(grad, i)
        if weightDecay != 0 { g = g + L.splat(weightDecay) * p }
        let s = L.load(sum, i) + g * g
        s.store(sum, i)
        (p + L.splat(negLr) * g / (s.sqrt() + L.splat(eps))).store(param, i)
    }
}
