// Building models: nn.Module subclasses, a hand-made Sequential (add_module), ModuleList,
// constant weights, control flow and nesting; parameter access, initialization and sharing;
// ParameterList and ParameterDict; saving and loading tensors and state dicts; devices.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §4-1 "模型构造", §4-2 "模型参数", §4-4 "模型层"
// §4-5 "读写" and §4-6 "使用GPU", with the book's §4.1–4.6 examples they summarize (the classes in
// Blocks.swift). Run: swift run -c release ModelConstruction
//
// save/load write and read PyTorch's .pt files (torch.load(path, weights_only=True) reads them).
// This build has only the CPU: the notes' device pattern picks it.
import Ember
import Foundation

manualSeed(0)

// 4-1. 模型构造
var X = Tensor.rand(2, 784)
var net: Module = MLP()
print(net)
print(net(X))

net = MySequential(Linear(784, 256), ReLU(), Linear(256, 10))
print(net)
print(net(X))

let list = ModuleList([Linear(784, 256), ReLU()])
list.append(Linear(256, 10))  // # 类似List的append操作
print(list[list.count - 1])   // # 类似List的索引访问
print(list)

X = Tensor.rand(2, 20)
net = FancyMLP()
print(net)
print(net(X))

net = Sequential(NestMLP(), Linear(30, 20), FancyMLP())
X = Tensor.rand(2, 40)
print(net)
print(net(X))

// 4-2. 模型参数
let seq = Sequential(Linear(4, 3), ReLU(), Linear(3, 1))
for (name, param) in seq.namedParameters() {
    print(name, param.shape)
}
for (name, _) in MyModel().namedParameters() {
    print(name)  // weight1 only
}
for (name, param) in seq.namedParameters() {
    if name.contains("weight") {
        Init.normal_(param, mean: 0, std: 0.01)
        print(name, param.data)
    }
    if name.contains("bias") {
        Init.constant_(param, 0)
        print(name, param.data)
    }
}

/// A custom initializer: uniform in [-10, 10], with the values of magnitude below 5 zeroed
/// (注意:如果用自定义的方法初始化,则需要包装torch.no_grad()).
func initWeight_(_ tensor: Tensor) {
    noGrad {
        tensor.uniform_(-10, 10)
        tensor.mul_((tensor.abs() .>= 5.0).float())
    }
}
for (name, param) in seq.namedParameters() where name.contains("weight") {
    initWeight_(param)
    print(name, param.data)
}

// 共享参数的网络: the same layer instance twice.
let linear = Linear(1, 1, bias: false)
let shared = Sequential(linear, linear)
print(shared)
for (name, param) in shared.namedParameters() {
    Init.constant_(param, 3)
    print(name, param.data)
}
let x = Tensor.ones(1, 1)
let y = shared(x).sum()
print(y)
y.backward()
print((shared[0] as! Linear).weight.grad!)  // 6: both uses add up

// 4-4. 模型层
let dense = MyDense()
print(dense)
print(dense(Tensor.ones(1, 4)))
let dictDense = MyDictDense()
print(dictDense)
let ones = Tensor.ones(1, 4)
print(dictDense(ones, "linear1"))
print(dictDense(ones, "linear2"))
print(dictDense(ones, "linear3"))

// 4-5. 读写: torch.save / torch.load of a tensor, a list, a dict, a state dict (PyTorch's .pt format)
let dir = FileManager.default.temporaryDirectory.path
let t = Tensor.ones(3)
try save(.tensor(t), to: dir + "/x.pt")  // torch.save(x, 'x.pt')
print(try load(from: dir + "/x.pt"))  // x2 = torch.load('x.pt'); x2
let u = Tensor.zeros(4)
try save(SavedValue([t, u]), to: dir + "/xy.pt")  // torch.save([x, y], 'xy.pt')
print(try load(from: dir + "/xy.pt"))
try save(["x": .tensor(t), "y": .tensor(u)], to: dir + "/xy_dict.pt")  // torch.save({'x': x, 'y': y}, ...)
print(try load(from: dir + "/xy_dict.pt"))

let mlp = MLP(3, 2, 1)
for (key, value) in mlp.stateDict() {
    print(key, value)
}
let optimizer = SGD(mlp.parameters(), lr: 0.001, momentum: 0.9)
print(SavedValue(optimizer.stateDict()))

X = Tensor.randn(2, 3)
let Y = mlp(X)
let path = dir + "/net.pt"
try save(SavedValue(mlp.stateDict()), to: path)  // torch.save(net.state_dict(), PATH)
let mlp2 = MLP(3, 2, 1)
try mlp2.loadStateDict(try load(from: path).stateDict())  // net2.load_state_dict(torch.load(PATH))
let Y2 = mlp2(X)
print(Y2 .== Y)

// 4-6. 使用GPU: the notes' device pattern runs unchanged; this build has only the CPU.
print(cuda.isAvailable(), cuda.deviceCount())
let device = Device(cuda.isAvailable() ? "cuda" : "cpu")  // torch.device('cuda' if torch.cuda.is_available() else 'cpu')
let onDevice = Tensor([1, 2, 3], device: device)
print(onDevice.device, onDevice.pow(2))
let layer = Linear(3, 1).to(device)  // net.to(device)
print(layer(Tensor([[1.0, 2, 3]], device: device)).device)
let like = Tensor.onesLike(onDevice, device: device)  // torch.ones_like(x, device=device)
print(like.to("cpu", .float64))  // y.to("cpu", torch.double)
