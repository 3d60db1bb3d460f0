import Ember
import Foundation

extension d2l {
    /// Each epoch's mean training loss (as `trainCh3` prints it), training and test accuracy.
    public struct History {
        public var trainLoss: [Double] = [], trainAcc: [Double] = [], testAcc: [Double] = []
    }

    /// Trains a classifier for `numEpochs` epochs, printing the mean training loss, training and
    /// test accuracy after each, and returns them. The gradients of `loss(net(X, true), y).sum()`
    /// update the parameters by `optimizer` when given, else by `sgd(params, lr, batchSize)`; the
    /// test accuracy is of `net(X, false)` (`isTraining` false: no dropout). The printed loss is
    /// the summed loss over the samples seen, so for a loss that already averages over its batch
    /// it is that mean divided by the batch size, as the book prints it. The book's
    /// `d2l.train_ch3`, which the from-scratch programs' own `train()` loops repeat.
    @discardableResult
    public static func trainCh3(_ net: (Tensor, _ isTraining: Bool) -> Tensor, _ trainIter: Loader, _ testIter: Loader,
                                _ loss: (Tensor, Tensor) -> Tensor, _ numEpochs: Int, _ batchSize: Int,
                                _ params: [Tensor] = [], _ lr: Double = 0, optimizer: Optimizer? = nil) -> History {
        print("training on cpu (batch size \(batchSize))")
        var history = History()
        for epoch in 0..<numEpochs {
            var metric = Accumulator(3)  // train_l_sum, train_acc_sum, n
            for (X, y) in trainIter {
                let yHat = net(X, true)
                let l = loss(yHat, y).sum()
                optimizer?.zeroGrad()
                l.backward()
                if let optimizer { optimizer.step() } else { sgd(params, lr, batchSize) }
                metric.add(l.item(), accuracy(yHat, y), Double(y.shape[0]))
            }
            let testAcc = evaluate(model: { net($0, false) }, batches: testIter).accuracy
            history.trainLoss.append(metric[0] / metric[2])
            history.trainAcc.append(metric[1] / metric[2])
            history.testAcc.append(testAcc)
            print(String(format: "epoch %d, loss %.4f, train acc %.3f, test acc %.3f",
                         epoch + 1, metric[0] / metric[2], metric[1] / metric[2], testAcc))
        }
        return history
    }

    /// `trainCh3` of a network without a training mode.
    @discardableResult
    public static func trainCh3(_ net: (Tensor) -> Tensor, _ trainIter: Loader, _ testIter: Loader,
                                _ loss: (Tensor, Tensor) -> Tensor, _ numEpochs: Int, _ batchSize: Int,
                                _ params: [Tensor] = [], _ lr: Double = 0, optimizer: Optimizer? = nil) -> History {
        trainCh3({ X, _ in net(X) }, trainIter, testIter, loss, numEpochs, batchSize, params, lr, optimizer: optimizer)
    }

    /// `trainCh3` of a module: trained in training mode, tested in evaluation mode (the book's
    /// `evaluate_accuracy` calls `net.eval()` for an `nn.Module`).
    @discardableResult
    public static func trainCh3(_ net: Module, _ trainIter: Loader, _ testIter: Loader,
                                _ loss: (Tensor, Tensor) -> Tensor, _ numEpochs: Int, _ batchSize: Int,
                                _ params: [Tensor] = [], _ lr: Double = 0, optimizer: Optimizer? = nil) -> History {
        let history = trainCh3({ X, isTraining in
            if isTraining { net.train() } else { net.eval() }
            return net(X)
        }, trainIter, testIter, loss, numEpochs, batchSize, params, lr, optimizer: optimizer)
        net.train()
        return history
    }

    /// Trains `net` with `optimizer` on the mean cross-entropy loss, in training mode, then
    /// evaluates it in evaluation mode after each epoch, printing loss, accuracies and time.
    /// Returns each epoch's numbers. The book's `d2l.train_ch5` (there is only the CPU to train on).
    @discardableResult
    public static func trainCh5(_ net: Module, _ trainIter: Loader, _ testIter: Loader, _ batchSize: Int,
                                _ optimizer: Optimizer, _ numEpochs: Int) -> History {
        print("training on cpu (batch size \(batchSize))")
        var history = History()
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
            history.trainLoss.append(metric[0] / metric[3])
            history.trainAcc.append(metric[1] / metric[2])
            history.testAcc.append(testAcc)
            print(String(format: "epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec",
                         epoch + 1, metric[0] / metric[3], metric[1] / metric[2], testAcc, Date().timeIntervalSince(start)))
        }
        return history
    }
}
