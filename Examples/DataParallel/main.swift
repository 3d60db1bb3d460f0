// Data-parallel training as PyTorch's DDP tutorial writes it: every process started by mpirun
// trains a replica of LeNet on its share of Fashion-MNIST, and backward leaves every replica the
// average gradient. Not from the notes (they train on one process): this is how their programs
// grow past one machine.
// Run: swift build -c release --product DataParallel
//      mpirun -np 2 .build/release/DataParallel [epochs] [samples]   (default: 2 epochs, every sample;
//      `samples` takes the first ones of each split, for a quick run)
// As root add --allow-run-as-root; across machines add --hostfile hosts (README).
import Ember
import Foundation

// dist.init_process_group("mpi"); rank = dist.get_rank(); world_size = dist.get_world_size()
do { try Distributed.initProcessGroup() } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
let rank = Distributed.rank, worldSize = Distributed.worldSize
let arguments = CommandLine.arguments.dropFirst().map { Int($0) }
guard arguments.allSatisfy({ ($0 ?? 0) > 0 }) else {
    if rank == 0 { FileHandle.standardError.write(Data("usage: mpirun -np N DataParallel [epochs] [samples]\n".utf8)) }
    Distributed.destroyProcessGroup()
    exit(2)
}
let epochs = arguments.first.flatMap { $0 } ?? 2

/// Runs `body`; an error from outside (the dataset missing) ends every rank with its message.
func orAbort<T>(_ body: () throws -> T) -> T {
    do { return try body() } catch {
        FileHandle.standardError.write(Data("rank \(rank): \(error)\n".utf8))
        Distributed.abort(exitCode: 1)
    }
}

// The same seed everywhere; DDP copies rank 0's weights to the others anyway.
manualSeed(0)
let transform = Compose([Resize([32, 32]), ToTensor()])
let fullTrain = orAbort { try FashionMNIST(train: true, transform: transform) }
let fullTest = orAbort { try FashionMNIST(train: false, transform: transform) }
// The first `samples` of each split, when given (a quick run).
let samples = arguments.dropFirst().first.flatMap { $0 }
let train = Subset(fullTrain, indices: Array(0..<min(samples ?? fullTrain.count, fullTrain.count)))
let test = Subset(fullTest, indices: Array(0..<min(samples ?? fullTest.count, fullTest.count)))

// sampler = DistributedSampler(train); loader = DataLoader(train, batch_size=64, sampler=sampler)
let sampler = DistributedSampler(size: train.count)
let loader = DataLoader(train, batchSize: 64, sampler: sampler)
// model = DDP(LeNet()); optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
let lenet = LeNet()
let model = orAbort { try DistributedDataParallel(lenet) }
let optimizer = Adam(model.parameters(), lr: 1e-3)

for epoch in 0..<epochs {
    sampler.setEpoch(epoch)  // a new shuffle each epoch, the same on every rank
    model.train()
    let started = Date()
    var lossSum = 0.0, seen = 0
    for (x, y) in loader {
        optimizer.zeroGrad()
        let loss = F.crossEntropy(model(x), y)
        loss.backward()  // gradients averaged across the ranks here
        optimizer.step()
        lossSum += loss.item() * Double(y.shape[0])
        seen += y.shape[0]
    }
    // dist.all_reduce of [loss sum, count]: the epoch's mean loss over every rank's samples.
    let totals = Tensor([lossSum, Double(seen)])
    orAbort { try Distributed.allReduce(totals) }
    if rank == 0 {
        // Rank 0 evaluates the replica, the same on every rank.
        lenet.eval()
        let correct = noGrad { DataLoader(test, batchSize: 1000).reduce(0.0) { $0 + (lenet($1.0).argmax(dim: 1) .== $1.1).sum().item() } }
        let values = totals.toDoubles()
        print(String(format: "epoch %d: loss %.4f over %d samples on %d rank%@, test acc %.4f, %.1f s", epoch + 1,
                     values[0] / values[1], Int(values[1]), worldSize, worldSize == 1 ? "" : "s", correct / Double(test.count),
                     Date().timeIntervalSince(started)))
    }
}
Distributed.destroyProcessGroup()
