// PyTorch's recurrent layers at work.
// Part 1 mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §6 "循环神经网络: rnn, gru与lstm" with the
// book's §6.5 code: an `nn.RNN` layer over a vocabulary, its output and new state.
// Part 2 mirrors shared/seeds/003_df383bf5a503d374.txt, §3.3 "RNN循环神经网络": an `nn.LSTM` over
// a whole sequence and an `nn.LSTMCell` stepped by hand give the same output from the same seed
// (and the note's numbers: a seeded layer starts from PyTorch's weights).
// Run: swift run -c release RecurrentLayers
//
// The book's vocabulary (1027 characters of Jay Chou's lyrics) is not here; its size is kept.
import Ember

// 6. rnn_layer = nn.RNN(input_size = vocab_size, hidden_size = num_hiddens)
let vocabSize = 1027, numHiddens = 256
let rnnLayer = RNN(vocabSize, numHiddens)
let numSteps = 35, batchSize = 2
let X = Tensor.rand(numSteps, batchSize, vocabSize)
let (Y, stateNew) = rnnLayer(X, nil)
print(Y.shape, stateNew.shape[0], Array(stateNew.shape.dropFirst()))
print(rnnLayer)

// 3.3 RNN循环神经网络
manualSeed(1000)
// 输入:batch_size=3, 序列长度为2,序列中每个元素占4维
var input = Tensor.randn(2, 3, 4)
// lstm输入向量4维,隐藏元3. 1层
let lstm = LSTM(4, 3, numLayers: 1)
// 初始状态:1层,batch_size=3, 3个隐藏元
let h0 = Tensor.randn(1, 3, 3)
let c0 = Tensor.randn(1, 3, 3)
let (out, hn) = lstm(input, (h0, c0))
print(out)

manualSeed(1000)
input = Tensor.randn(2, 3, 4)
// 一个LSTMCell对应的层数只能是一层
let lstmCell = LSTMCell(4, 3)
var hx = Tensor.randn(3, 3)
var cx = Tensor.randn(3, 3)
var outs: [Tensor] = []
for i_ in input.unbind(0) {
    (hx, cx) = lstmCell(i_, (hx, cx))
    outs.append(hx)
}
print(Tensor.stack(outs))
print("same final state:", hn.0.squeeze(0).allclose(hx), hn.1.squeeze(0).allclose(cx))
