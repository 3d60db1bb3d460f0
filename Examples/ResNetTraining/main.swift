// ResNet-18 trained on Fashion-MNIST with Adam by d2l.train_ch5.
// Mirrors shared/seeds/002_71a85d722c8706dc.txt, "残差网络(ResNet)": the notes build the network
// block by block, print each block's output shape for a 224 × 224 image, then train it on the
// 28 × 28 images of their earlier iterators (batch size 16) for 5 epochs (757 s an epoch on
// their GPU; "epoch 1, loss 0.4905, train acc 0.822, test acc 0.868").
// Run: swift run -c release ResNetTraining [epochs]   (the original trains 5)
//
// The network is the model zoo's ResNet(): the notes' layers, with the keys of
// shared/bench/torch_ref.py's resnet18() (a flat Sequential, where the notes name the stages
// resnet_block1 … and the head global_avg_pool, fc).
import D2L
import Ember

let net = ResNet()
var X = Tensor.rand(1, 1, 224, 224)
noGrad {
    for (name, layer) in net.namedChildren() {
        X = layer(X)
        print(name, " output shape:\t", X.shape)
    }
}

let batchSize = 16
let (trainIter, testIter) = d2l.loadDataFashionMNIST(batchSize: batchSize)
let (lr, numEpochs) = (0.001, d2l.numEpochs(default: 5))
let optimizer = Adam(net.parameters(), lr: lr)
d2l.trainCh5(net, trainIter, testIter, batchSize, optimizer, numEpochs)
