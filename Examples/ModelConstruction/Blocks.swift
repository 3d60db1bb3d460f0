import Ember

/// A hidden layer, its activation and an output layer, as attributes; the state dict names
/// follow them (`hidden.weight`). The book's §4.1 `MLP`, and §4.5's with other sizes.
final class MLP: Module {
    let hidden: Linear
    let act = ReLU()
    let output: Linear

    init(_ inputs: Int = 784, _ hiddens: Int = 256, _ outputs: Int = 10) {
        hidden = Linear(inputs, hiddens)
        output = Linear(hiddens, outputs)
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor {
        let a = act(hidden(x))
        return output(a)
    }
}

/// Runs the modules it was given in order, adding each with `add_module` under its position or
/// its name. The note's `MySequential`.
final class MySequential: Module {
    init(_ args: Module...) {
        super.init()
        for (idx, module) in args.enumerated() {
            registerModule(String(idx), module)  // add_module方法会将module添加进self._modules
        }
    }

    /// 如果传入的是一个OrderedDict: the modules under their names.
    init(_ ordered: [(String, Module)]) {
        super.init()
        for (key, module) in ordered {
            registerModule(key, module)
        }
    }

    override func forward(_ input: Tensor) -> Tensor {
        var input = input
        // children() 保证会按照成员添加时的顺序遍历
        for module in children() {
            input = module(input)
        }
        return input
    }
}

/// A block with a constant (untrained) weight, a reused layer and Python control flow.
final class FancyMLP: Module {
    let randWeight = Tensor.rand(20, 20)  // 不可训练参数(常数参数): a plain property, not a parameter
    let linear = Linear(20, 20)

    override func forward(_ x: Tensor) -> Tensor {
        var x = linear(x)
        // 使用创建的常数参数,以及nn.functional中的relu函数和mm函数
        x = F.relu(x.mm(randWeight.data) + 1)
        // 复用全连接层。等价于两个全连接层共享参数
        x = linear(x)
        // 控制流,这里我们需要调用item函数来返回标量进行比较
        while x.norm().item() > 1 {
            x /= 2
        }
        if x.norm().item() < 0.8 {
            x *= 10
        }
        return x.sum()
    }
}

/// A Sequential nested inside a custom module.
final class NestMLP: Module {
    let net = Sequential(Linear(40, 30), ReLU())

    override func forward(_ x: Tensor) -> Tensor {
        net(x)
    }
}

/// One registered parameter and one plain tensor, which is not a parameter.
final class MyModel: Module {
    @Parameter var weight1 = Tensor.rand(20, 20)
    let weight2 = Tensor.rand(20, 20)
}

/// Matrix products through a ParameterList of weights.
final class MyDense: Module {
    let params = ParameterList((0..<3).map { _ in Tensor.randn(4, 4) })

    override init() {
        super.init()
        params.append(Tensor.randn(4, 1))
    }

    override func forward(_ x: Tensor) -> Tensor {
        var x = x
        for i in 0..<params.count {
            x = x.mm(params[i])
        }
        return x
    }
}

/// A product with the weight chosen by name from a ParameterDict.
final class MyDictDense: Module {
    let params = ParameterDict([
        ("linear1", Tensor.randn(4, 4)),
        ("linear2", Tensor.randn(4, 1)),
    ])

    override init() {
        super.init()
        params.update([("linear3", Tensor.randn(4, 2))])  // 新增
    }

    /// `net(x, choice)`; Ember's modules take tensors only as `forward` inputs, so the choice
    /// comes through this call instead.
    func callAsFunction(_ x: Tensor, _ choice: String = "linear1") -> Tensor {
        x.mm(params[choice]!)
    }
}
