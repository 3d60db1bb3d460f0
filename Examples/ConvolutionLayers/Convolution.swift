import Ember

/// 二维互相关运算: each output element is the sum of the window of `X` under `K`.
/// The book's `d2l.corr2d`.
func corr2d(_ X: Tensor, _ K: Tensor) -> Tensor {
    let (h, w) = (K.shape[0], K.shape[1])  // Kernel的大小为h*w
    let (X, K) = (X.float(), K.float())
    let Y = Tensor.zeros(X.shape[0] - h + 1, X.shape[1] - w + 1)  // 最终的输出大小
    for i in 0..<Y.shape[0] {
        for j in 0..<Y.shape[1] {
            Y[i, j] = (X[i..<i + h, j..<j + w] * K).sum()  // 输出的每个元素为原始X的子矩阵
        }
    }
    return Y
}

/// A convolution layer built on `corr2d`, with a learned kernel and bias.
final class Conv2D: Module {
    @Parameter var weight: Tensor
    @Parameter var bias: Tensor

    init(kernelSize: [Int]) {
        weight = Tensor.randn(kernelSize)
        bias = Tensor.randn(1)
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor {
        corr2d(x, weight) + bias
    }
}

/// `conv2d` applied to one single-channel image `X`, giving the output image: a batch and a
/// channel dimension are added, then dropped.
func compConv2d(_ conv2d: Conv2d, _ X: Tensor) -> Tensor {
    let X = X.view([1, 1] + X.shape)
    let Y = conv2d(X)
    return Y.view(Array(Y.shape[2...]))
}

/// Cross-correlation of a multi-channel `X` with a kernel of as many channels, summed over them.
func corr2dMultiIn(_ X: Tensor, _ K: Tensor) -> Tensor {
    var res = corr2d(X[0, .all, .all], K[0, .all, .all])
    for i in 1..<X.shape[0] {
        res += corr2d(X[i, .all, .all], K[i, .all, .all])
    }
    return res
}

/// One output channel per kernel in `K`, stacked.
func corr2dMultiInOut(_ X: Tensor, _ K: Tensor) -> Tensor {
    Tensor.stack(K.unbind(0).map { k in corr2dMultiIn(X, k) })
}

/// 1 × 1 convolution as a matrix product over the channels.
func corr2dMultiInOut1x1(_ X: Tensor, _ K: Tensor) -> Tensor {
    let (cI, h, w) = (X.shape[0], X.shape[1], X.shape[2])
    let cO = K.shape[0]
    let X = X.view(cI, h * w)
    let K = K.view(cO, cI)
    let Y = K.mm(X)  // 全连接层的矩阵乘法
    return Y.view(cO, h, w)
}

/// Max or average pooling of a 2-D `X` written out with loops.
func pool2d(_ X: Tensor, _ poolSize: (Int, Int), mode: String = "max") -> Tensor {
    let X = X.float()
    let (pH, pW) = poolSize
    let Y = Tensor.zeros(X.shape[0] - pH + 1, X.shape[1] - pW + 1)
    for i in 0..<Y.shape[0] {
        for j in 0..<Y.shape[1] {
            let window = X[i..<i + pH, j..<j + pW]
            Y[i, j] = mode == "max" ? window.max() : window.mean()
        }
    }
    return Y
}

/// Prints a gray image `[H, W]` as text, denser characters for brighter pixels, values clamped
/// to [0, 1]. Stands in for the note's `to_pil(...)`, which displays the image.
func show(_ image: Tensor) {
    let shades = Array(" .:-=+*#%@")
    let levels = (image.clamp(min: 0, max: 1) * Double(shades.count - 1)).round().long()
    for row in levels.unbind(0) {
        print(String(row.toInts().flatMap { [shades[$0], shades[$0]] }))
    }
}
