extension Tensor {
    /// `self + weight · (end − self)`. PyTorch: `torch.lerp(input, end, weight)`.
    public func lerp(_ end: Tensor, weight: Double) -> Tensor {
        check(dtype == end.dtype, "expected dtype \(end.dtype.castName) for `end` but got dtype \(dtype.castName)")
        return self + weight * (end - self)
    }

    /// `self + weight · (end − self)` with a tensor of weights. PyTorch: `torch.lerp(input, end, weight)`.
    public func lerp(_ end: Tensor, weight: Tensor) -> Tensor {
        check(dtype == end.dtype, "expected dtype \(end.dtype.castName) for `end` but got dtype \(dtype.castName)")
        check(dtype == weight.dtype, "expected dtype \(dtype.castName) for `weight` but got dtype \(weight.dtype.castName)")
        return self + weight * (end - self)
    }

    /// `self + value · tensor1 · tensor2`. PyTorch: `torch.addcmul`.
    public func addcmul(_ tensor1: Tensor, _ tensor2: Tensor, value: Double = 1) -> Tensor {
        self + value * (tensor1 * tensor2)
    }

    /// `self + value · tensor1 / tensor2`. PyTorch: `torch.addcdiv`.
    public func addcdiv(_ tensor1: Tensor, _ tensor2: Tensor, value: Double = 1) -> Tensor {
        check(tensor1.dtype.isFloatingPoint || tensor2.dtype.isFloatingPoint,
              "Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        return self + value * (tensor1 / tensor2)
    }
}
