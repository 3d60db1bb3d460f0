/// Sets each group's rate to its initial rate times `lrLambda(epoch)`.
/// PyTorch: `torch.optim.lr_scheduler.LambdaLR`.
public final class LambdaLR: LRScheduler {
    private let lambdas: [(Int) -> Double]

    /// One function for every group. PyTorch: `LambdaLR(optimizer, lr_lambda)`.
    public convenience init(_ optimizer: Optimizer, lrLambda: @escaping (Int) -> Double) {
        self.init(optimizer, lrLambdas: Array(repeating: lrLambda, count: optimizer.paramGroups.count))
    }

    /// One function per group. PyTorch: `LambdaLR(optimizer, lr_lambda=[f, g])`.
    public init(_ optimizer: Optimizer, lrLambdas: [(Int) -> Double]) {
        check(lrLambdas.count == optimizer.paramGroups.count,
              "Expected \(optimizer.paramGroups.count) lr_lambdas, but got \(lrLambdas.count)")
        lambdas = lrLambdas
        super.init(optimizer)
    }

    override func getLr() -> [Double] {
        zip(baseLrs, lambdas).map { $0 * $1(lastEpoch) }
    }
}
