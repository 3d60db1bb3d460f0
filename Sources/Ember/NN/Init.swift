/// Weight initialization, filling tensors in place without recording for autograd.
/// PyTorch: `torch.nn.init` (`init` is a Swift keyword, hence the capital).
public enum Init {
    /// Whether a kaiming initialization keeps the variance of the forward pass (`fanIn`) or of
    /// the backward pass (`fanOut`). PyTorch: `mode='fan_in'` / `'fan_out'`.
    public enum FanMode: String, Sendable {
        case fanIn = "fan_in"
        case fanOut = "fan_out"
    }

    /// The nonlinearities `calculateGain` knows. PyTorch: its `nonlinearity` strings.
    public enum Nonlinearity: String, Sendable {
        case linear, conv1d, conv2d, conv3d, sigmoid, tanh, relu, selu
        case convTranspose1d = "conv_transpose1d", convTranspose2d = "conv_transpose2d"
        case convTranspose3d = "conv_transpose3d", leakyRelu = "leaky_relu"
    }

    /// The recommended gain for a nonlinearity; `param` is leaky ReLU's negative slope (0.01 when
    /// nil). PyTorch: `torch.nn.init.calculate_gain`.
    public static func calculateGain(_ nonlinearity: Nonlinearity, param: Double? = nil) -> Double {
        switch nonlinearity {
        case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: 2.0.squareRoot()
        case .leakyRelu: (2.0 / (1 + (param ?? 0.01) * (param ?? 0.01))).squareRoot()
        case .selu: 3.0 / 4
        }
    }

    /// Fan-in (`shape[1]` times the receptive field) and fan-out (`shape[0]` times it).
    /// PyTorch: `torch.nn.init._calculate_fan_in_and_fan_out`.
    static func fans(_ tensor: Tensor) -> (fanIn: Int, fanOut: Int) {
        check(tensor.dim >= 2, "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
        let receptive = tensor.shape.dropFirst(2).reduce(1, *)
        return (tensor.shape[1] * receptive, tensor.shape[0] * receptive)
    }

    /// Fills with samples from U(a, b). PyTorch: `torch.nn.init.uniform_`.
    @discardableResult
    public static func uniform_(_ tensor: Tensor, a: Double = 0, b: Double = 1, generator: Generator? = nil) -> Tensor {
        noGrad { tensor.uniform_(a, b, generator: generator) }
    }

    /// Fills with samples from N(mean, std²). PyTorch: `torch.nn.init.normal_`.
    @discardableResult
    public static func normal_(_ tensor: Tensor, mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        noGrad { tensor.normal_(mean: mean, std: std, generator: generator) }
    }

    /// Fills with `value`. PyTorch: `torch.nn.init.constant_`.
    @discardableResult
    public static func constant_(_ tensor: Tensor, _ value: Double) -> Tensor { noGrad { tensor.fill_(value) } }

    /// Fills with zeros. PyTorch: `torch.nn.init.zeros_`.
    @discardableResult
    public static func zeros_(_ tensor: Tensor) -> Tensor { constant_(tensor, 0) }

    /// Fills with ones. PyTorch: `torch.nn.init.ones_`.
    @discardableResult
    public static func ones_(_ tensor: Tensor) -> Tensor { constant_(tensor, 1) }

    /// Fills a 2-D tensor with the identity matrix. PyTorch: `torch.nn.init.eye_`.
    @discardableResult
    public static func eye_(_ tensor: Tensor) -> Tensor {
        check(tensor.dim == 2, "Only tensors with 2 dimensions are supported")
        return noGrad { tensor.copy_(Tensor.eye(tensor.shape[0], tensor.shape[1], dtype: tensor.dtype)) }
    }

    /// Fills with U(-a, a), `a = gain * sqrt(6 / (fanIn + fanOut))` (Glorot).
    /// PyTorch: `torch.nn.init.xavier_uniform_`.
    @discardableResult
    public static func xavierUniform_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        let a = 3.0.squareRoot() * gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        return uniform_(tensor, a: -a, b: a, generator: generator)
    }

    /// Fills with N(0, std²), `std = gain * sqrt(2 / (fanIn + fanOut))` (Glorot).
    /// PyTorch: `torch.nn.init.xavier_normal_`.
    @discardableResult
    public static func xavierNormal_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        return normal_(tensor, std: gain * (2.0 / Double(fanIn + fanOut)).squareRoot(), generator: generator)
    }

    /// The standard deviation kaiming initialization targets.
    private static func kaimingStd(_ tensor: Tensor, a: Double, mode: FanMode, nonlinearity: Nonlinearity) -> Double {
        let (fanIn, fanOut) = fans(tensor)
        let fan = mode == .fanIn ? fanIn : fanOut
        return calculateGain(nonlinearity, param: a) / Double(fan).squareRoot()
    }

    /// Fills with U(-bound, bound), `bound = gain * sqrt(3 / fan)` (He); `a` is the negative slope
    /// of the leaky ReLU that follows. PyTorch: `torch.nn.init.kaiming_uniform_`.
    @discardableResult
    public static func kaimingUniform_(_ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn,
                                       nonlinearity: Nonlinearity = .leakyRelu, generator: Generator? = nil) -> Tensor {
        let bound = 3.0.squareRoot() * kaimingStd(tensor, a: a, mode: mode, nonlinearity: nonlinearity)
        return uniform_(tensor, a: -bound, b: bound, generator: generator)
    }

    /// Fills with N(0, std²), `std = gain / sqrt(fan)` (He). PyTorch: `torch.nn.init.kaiming_normal_`.
    @discardableResult
    public static func kaimingNormal_(_ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn,
                                      nonlinearity: Nonlinearity = .leakyRelu, generator: Generator? = nil) -> Tensor {
        normal_(tensor, std: kaimingStd(tensor, a: a, mode: mode, nonlinearity: nonlinearity), generator: generator)
    }

    /// Fills with a (semi-)orthogonal matrix, the tensor viewed as `shape[0] × rest`, times `gain`:
    /// the Q of the QR decomposition of a Gaussian matrix, made unique by a positive diagonal of R.
    /// PyTorch: `torch.nn.init.orthogonal_`.
    @discardableResult
    public static func orthogonal_(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        check(tensor.dim >= 2, "Only tensors with 2 or more dimensions are supported")
        let rows = tensor.shape[0], cols = tensor.numel / Swift.max(rows, 1)
        if tensor.numel == 0 { return tensor }
        // Orthonormalize the columns of a tall n × k Gaussian matrix (k <= n) by modified
        // Gram-Schmidt in float64; a wide result is the transpose of a tall one.
        let (n, k) = rows >= cols ? (rows, cols) : (cols, rows)
        var columns = (0..<k).map { _ in Tensor.randn([n], dtype: .float64, generator: generator).toDoubles() }
        for j in 0..<k {
            for i in 0..<j {
                let d = zip(columns[i], columns[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for r in 0..<n { columns[j][r] -= d * columns[i][r] }
            }
            let norm = columns[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for r in 0..<n { columns[j][r] /= norm }
        }
        // columns[j][r] is Q[r, j]; the result is Q (rows >= cols) or Q^T, both row-major here.
        let values = rows >= cols
            ? (0..<n).flatMap { r in (0..<k).map { columns[$0][r] * gain } }
            : columns.flatMap { $0.map { $0 * gain } }
        return noGrad { tensor.copy_(Tensor(values, shape: tensor.shape, dtype: .float64)) }
    }
}
