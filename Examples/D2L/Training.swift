import Ember
import Foundation

extension d2l {
    /// Trains a classifier for `numEpochs` epochs, printing the mean training loss, training and
    /// test accuracy after each. The gradients of `loss(net(X), y).sum()` update the parameters by
    /// `optimizer` when given, else by `sgd(params, lr, batchSize)`. The printed loss is the summed
    /// loss over the samples seen, so for a loss that already averages over its batch it is
    /// that mean divided by the batch size, as the book prints it. The book's `d2l.train_ch3`,
    /// which the from-scratch programs' own `train()` loops repeat.
    public static func trainCh3(_ net: (Tensor) -> Tensor, _ trainIter: Loader, _ testIter: Loader,
                                _ loss: (Tensor, Tensor) -> Tensor, _ numEpochs: Int, _ batchSize: Int,
                                _ params: [Tensor] = [], _ lr: Double = 0, optimizer: Optimizer? = nil) {
        print("training on cpu (batch size \(batchSize))")
        for epoch in 0..<numEpochs {
            var metric = Accumulator(3)  // train_l_sum, train_acc_sum, n
            for (X, y) in trainIter {
                let yHat = net(X)
                let l = loss(yHat, y).sum()
                optimizer?.zeroGrad()
                l.backward()
                if let optimizer { optimizer.step() } else { sgd(params, lr, batchSize) }
                metric.add(l.item(), accuracy(yHat, y), Double(y.shape[0]))
            }
            let testAcc = evaluate(model: net, batches: testIter).accuracy
            print(String(format: "epoch %d, loss %.4f, train acc %.3f, test acc %.3f",
                         epoch + 1, metric[0] / metric[2], metric[1] / metric[2], testAcc))
        }
    }

    /// Trains `net` with `optimizer` on the mean cross-entropy loss, in training mode, then
    /// evaluates it in evaluation mode after each epoch, printing loss, accuracies and time.
    /// The book's `d2l.train_ch5` (there is only the CPU to train on).
    public static func trainCh5(_ net: Module, _ trainIter: Loader, _ testIter: Loader, _ batchSize: Int,
                                _ optimizer: Optimizer, _ numEpochs: Int) {
        print("training on cpu (batch size \(batchSize))")
        let loss = CrossEntropyLoss()
        for epoch in 0..<numEpochs {
            var metric = Accumulator(4)  // train_l_sum, train_acc_sum, n, batch_count
            let start = Date()
            net.train()
            for (X, y) in trainIter {
                let yHat = net(X)
                let l = loss(yHat, y)
                optimizer.zeroGrad()
                l.backward()
                optimizer.step()
                metric.add(l.item(), accuracy(yHat, y), Double(y.shape[0]), 1)
            }
            net.eval()
            let testAcc = evaluate(model: { net($0) }, batches: testIter).accuracy
            print(String(format: "epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec",
                         epoch + 1, metric[0] / metric[3], metric[1] / metric[2], testAcc, Date().timeIntervalSince(start)))
        }
    }
}
