// DenseNet trained on Fashion-MNIST resized to 96 × 96, with Adam by d2l.train_ch5.
// Mirrors shared/seeds/002_71a85d722c8706dc.txt, "稠密连接网络(DenseNet)": dense blocks of four
// layers (growth rate 32) with transition blocks halving the channels between them, each block's
// output shape for a 96 × 96 image, then 5 epochs at batch size 16.
// Run: swift run -c release DenseNetTraining [epochs]   (the original trains 5)
//
// The network is the model zoo's DenseNet(): the notes' layers, with the keys of
// shared/bench/torch_ref.py's densenet() (a flat Sequential with the transition layers spliced
// in, where the notes name DenseBlosk_0, transition_block_0, …).
import D2L
import Ember

let net = DenseNet()
var X = Tensor.rand(1, 1, 96, 96)
noGrad {
    for (name, layer) in net.namedChildren() {
        X = layer(X)
        print(name, " output shape:\t", X.shape)
    }
}

let batchSize = 16
// 如出现“out of memory”的报错信息,可减小batch_size或resize
let (trainIter, testIter) = d2l.loadDataFashionMNIST(batchSize: batchSize, resize: 96)
let (lr, numEpochs) = (0.001, d2l.numEpochs(default: 5))
let optimizer = Adam(net.parameters(), lr: lr)
d2l.trainCh5(net, trainIter, testIter, batchSize, optimizer, numEpochs)
