extension F {
    /// `input @ weight.T + bias` over the last dim of `input`. PyTorch: `torch.nn.functional.linear`.
    public static func linear(_ input: Tensor, _ weight: Tensor, _ bias: Tensor? = nil) -> Tensor {
        if weight.dim == 2 {
            let features = input.shape.last ?? 1
            check(features == weight.shape[1],
                  "mm: mat1 and mat2 shapes cannot be multiplied (\(input.numel / Swift.max(features, 1))x\(features) and \(weight.shape[1])x\(weight.shape[0]))")
        }
        func compute() -> Tensor {
            let out = input.matmul(weight.t())
            return bias.map { out + $0 } ?? out
        }
        guard input.dim == 2 && weight.dim == 2 else {
            return Tensor.untraceable("linear on a \(input.dim)-D input or with a \(weight.dim)-D weight has no ONNX export yet", compute)
        }
        return Tensor.traced("Gemm", [.tensor(input), .tensor(weight), bias.map { .tensor($0) } ?? .none], [.int("transB", 1)], compute)
    }
}
