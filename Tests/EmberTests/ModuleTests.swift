import Foundation
import Testing
@testable import Ember

@Suite struct ModuleTests {
    /// The textbook's shared layer: `Sequential(linear, linear)` with weight 3 on input 1.
    @Test func sharedModuleAccumulatesBothGradients() {
        let linear = Linear(1, 1, bias: false)
        noGrad { _ = linear.weight.fill_(3) }
        let net = Sequential(linear, linear)
        let y = net(Tensor([[1.0]], dtype: .float32))
        #expect(y.item() == 9)
        y.sum().backward()
        #expect(linear.weight.grad?.item() == 6)
        #expect(net.namedParameters().map(\.0) == ["0.weight"])
        #expect(net.stateDict().keys == ["0.weight", "1.weight"])
        #expect(net.modules().count == 2)
        #expect(net.namedModules(removeDuplicate: false).map(\.0) == ["", "0", "1"])
    }

    @Test func loadStateDictCopiesValues() throws {
        let a = Sequential(Linear(3, 2), BatchNorm1d(2)), b = Sequential(Linear(3, 2), BatchNorm1d(2))
        noGrad { _ = (a[1] as! BatchNorm1d).runningMean!.fill_(0.5) }
        let keys = try b.loadStateDict(a.stateDict())
        #expect(keys == IncompatibleKeys(missingKeys: [], unexpectedKeys: []))
        for ((ka, ta), (kb, tb)) in zip(a.stateDict(), b.stateDict()) {
            #expect(ka == kb)
            #expect(ta.toDoubles() == tb.toDoubles())
        }
        // Copied, not aliased, and the parameters stay leaves that require grad.
        #expect((b[0] as! Linear).weight.storage !== (a[0] as! Linear).weight.storage)
        #expect((b[0] as! Linear).weight.requiresGrad)
    }

    @Test func loadStateDictReportsPyTorchsErrorAndChangesNothing() {
        let model = Sequential(Conv2d(1, 6, 5), ReLU(), Linear(4, 2))
        let before = model.stateDict().items.map { $0.value.toDoubles() }
        var bad = StateDict(model.stateDict().items.map { ($0.key, $0.value.clone()) })
        bad["2.bias"] = nil
        bad["2.extra"] = Tensor.zeros(1)
        bad["0.weight"] = Tensor.zeros(6, 1, 3, 3)
        bad["2.weight"] = Tensor.ones(2, 4)
        #expect(throws: LoadStateDictError.self) { try model.loadStateDict(bad) }
        do {
            try model.loadStateDict(bad)
        } catch {
            #expect(error.missingKeys == ["2.bias"])
            #expect(error.unexpectedKeys == ["2.extra"])
            #expect(error.description == """
                Error(s) in loading state_dict for Sequential:
                \tMissing key(s) in state_dict: "2.bias". \
                \n\tUnexpected key(s) in state_dict: "2.extra". \
                \n\tsize mismatch for 0.weight: copying a param with shape torch.Size([6, 1, 3, 3]) from checkpoint, \
                the shape in current model is torch.Size([6, 1, 5, 5]).
                """)
        }
        #expect(model.stateDict().items.map { $0.value.toDoubles() } == before)
    }

    @Test func nonStrictLoadSkipsKeys() throws {
        let model = Linear(2, 2)
        let keys = try model.loadStateDict(["weight": Tensor.ones(2, 2), "other": Tensor.ones(1)], strict: false)
        #expect(keys == IncompatibleKeys(missingKeys: ["bias"], unexpectedKeys: ["other"]))
        #expect(model.weight.toDoubles() == [1, 1, 1, 1])
    }

    @Test func trainEvalPropagates() {
        let model = Custom()
        #expect(model.modules().allSatisfy { $0.training })
        model.eval()
        #expect(model.modules().allSatisfy { !$0.training })
        #expect(!model.heads[2].training)
        model.train()
        #expect(model.modules().allSatisfy { $0.training })
    }

    @Test func forwardHooksSeeAndReplaceOutputs() {
        let relu = ReLU()
        var seen: [[Int]] = []
        let handle = relu.registerForwardHook { module, inputs, output in
            seen.append(inputs[0].shape)
            #expect(module === relu)
            return output + 1.0
        }
        #expect(relu(Tensor([-1.0, 2.0])).toDoubles() == [1, 3])
        handle.remove()
        #expect(relu(Tensor([-1.0, 2.0])).toDoubles() == [0, 2])
        #expect(seen == [[2]])
    }

    @Test func zeroGradRequiresGradAndDtype() {
        let model = Sequential(Linear(2, 3), BatchNorm1d(3))
        model(Tensor.randn(4, 2)).sum().backward()
        #expect(model.parameters().allSatisfy { $0.grad != nil })
        model.zeroGrad(setToNone: false)
        #expect(model.parameters().allSatisfy { $0.grad!.toDoubles().allSatisfy { $0 == 0 } })
        model.zeroGrad()
        #expect(model.parameters().allSatisfy { $0.grad == nil })
        model.requiresGrad_(false)
        #expect(model.parameters().allSatisfy { !$0.requiresGrad })
        model.requiresGrad_()
        model.to(.float64)
        #expect(model.parameters().allSatisfy { $0.dtype == .float64 && $0.requiresGrad && $0.isLeaf })
        #expect(model.stateDict()["1.num_batches_tracked"]?.dtype == .int64)
        #expect(model.stateDict()["1.running_var"]?.dtype == .float64)
        #expect(model(Tensor.randn([4, 2], dtype: .float64)).dtype == .float64)
    }

    @Test func applyVisitsChildrenFirst() {
        let model = Sequential(Linear(1, 1), Sequential(ReLU()))
        var names: [String] = []
        model.apply { names.append($0.typeName) }
        #expect(names == ["Linear", "ReLU", "Sequential", "Sequential"])
    }

    @Test func lenetForwardShapes() {
        let lenet = textbookModels["lenet"]!()
        #expect(lenet(Tensor.randn(2, 1, 32, 32)).shape == [2, 10])
        let bn = textbookModels["bn_lenet"]!()
        #expect(bn(Tensor.randn(2, 1, 28, 28)).shape == [2, 10])
        #expect(Custom().children().count == 5)
    }

    @Test func batchNormTracksRunningStatistics() {
        let bn = BatchNorm2d(2)
        let x = Tensor.randn(4, 2, 3, 3)
        let y = bn(x)
        #expect(bn.numBatchesTracked!.itemInt() == 1)
        let mean = x.mean(dims: [0, 2, 3]).toDoubles()
        for (r, m) in zip(bn.runningMean!.toDoubles(), mean) { #expect(abs(r - 0.1 * m) < 1e-6) }
        #expect(abs(y.mean().item()) < 1e-5)
        bn.eval()
        let z = bn(x)
        #expect(bn.numBatchesTracked!.itemInt() == 1)
        let expected = (x - bn.runningMean!.view(1, 2, 1, 1)) / (bn.runningVar!.view(1, 2, 1, 1) + 1e-5).sqrt()
        #expect((z - expected).abs().max().item() < 1e-5)
        // momentum nil: the cumulative average.
        let avg = BatchNorm1d(3, momentum: nil)
        _ = avg(Tensor.randn(5, 3, 4))
        _ = avg(Tensor.randn(5, 3, 4))
        #expect(avg.numBatchesTracked!.itemInt() == 2)
    }

    @Test func layersCompute() {
        let bilinear = Bilinear(2, 3, 4)
        let x1 = Tensor.randn(5, 2), x2 = Tensor.randn(5, 3)
        let expected = Tensor.einsum("ni,oij,nj->no", x1, bilinear.weight, x2) + bilinear.bias!
        #expect((bilinear(x1, x2) - expected).abs().max().item() < 1e-5)
        let emb = Embedding(5, 3, paddingIdx: 0)
        #expect(emb.weight[0].toDoubles() == [0, 0, 0])
        #expect(emb(Tensor([[1, 0], [4, 4]])).shape == [2, 2, 3])
        #expect(Unflatten(dim: 1, unflattenedSize: [2, 5])(Tensor.zeros(3, 10)).shape == [3, 2, 5])
        #expect(Conv1d(4, 8, kernelSize: 3, padding: 1)(Tensor.randn(2, 4, 7)).shape == [2, 8, 7])
        #expect(Conv2d(3, 6, kernelSize: [3, 5], padding: .same, paddingMode: "reflect")(Tensor.randn(1, 3, 8, 8)).shape == [1, 6, 8, 8])
        #expect(ConvTranspose2d(16, 6, kernelSize: 5, stride: 2, padding: 1, outputPadding: 1)(Tensor.randn(1, 16, 4, 4)).shape == [1, 6, 10, 10])
        let drop = Dropout(p: 0.5)
        #expect(drop(Tensor.ones(1000)).toDoubles().allSatisfy { $0 == 0 || $0 == 2 })
        drop.eval()
        #expect(drop(Tensor.ones(10)).toDoubles() == Array(repeating: 1, count: 10))
        let loss = CrossEntropyLoss()(Tensor([[2.0, 0.0], [0.0, 2.0]], dtype: .float32), Tensor([0, 1]))
        #expect(abs(loss.item() - F.crossEntropy(Tensor([[2.0, 0.0], [0.0, 2.0]], dtype: .float32), Tensor([0, 1])).item()) < 1e-7)
        #expect(CrossEntropyLoss(weight: Tensor([1.0, 2.0])).stateDict().keys == ["weight"])
    }

    @Test func containers() {
        let seq = Sequential(Linear(1, 2), ReLU())
        seq.append(Linear(2, 3))
        #expect(seq.count == 3)
        #expect(seq[-1] is Linear)
        #expect(seq[1..<3].stateDict().keys == ["2.weight", "2.bias"])
        seq[1] = Tanh()
        #expect(seq[1] is Tanh)
        let list = ModuleList([Linear(1, 1)])
        list.insert(ReLU(), at: 0)
        #expect(list.namedChildren().map(\.0) == ["0", "1"])
        #expect(list[1] is Linear)
        let dict = ModuleDict([("a", ReLU())])
        dict.update([("b", Linear(1, 1)), ("a", Tanh())])
        #expect(dict.keys == ["a", "b"])
        #expect(dict["a"] is Tanh)
        let params = ParameterDict([("w", Tensor.zeros(2))])
        params.update(["v": Tensor.ones(1), "w": Tensor.ones(3)])
        #expect(params.namedParameters().map { "\($0.0)\($0.1.shape)" } == ["w[3]", "v[1]"])
        #expect(params["w"]!.requiresGrad)
        let plist = ParameterList([Tensor.zeros(1)]).append(Tensor.zeros(2))
        #expect(plist.parameters().map(\.shape) == [[1], [2]])
        #expect(plist.count == 2)
    }

    @Test func arraysAndDictionariesOfModulesAreNamed() {
        final class Net: Module {
            let blocks = [Linear(1, 1), Linear(1, 1)]
            let heads: [String: Module] = ["b": Linear(1, 1, bias: false), "a": Linear(1, 1, bias: false)]
            var optional: Linear? = nil
            @Buffer(persistent: false) var scratch = Tensor.zeros(1)
        }
        let net = Net()
        #expect(net.namedParameters().map(\.0) == ["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
                                                   "heads.a.weight", "heads.b.weight"])
        net.optional = Linear(1, 1)
        #expect(net.namedParameters().count == 8)
        #expect(net.namedBuffers().map(\.0) == ["scratch"])
        #expect(!net.stateDict().keys.contains("scratch"))
    }
}

@Suite struct InitTests {
    @Test func defaultLinearAndConvBounds() {
        let linear = Linear(400, 300, generator: Generator(seed: 1))
        let bound = 1 / 400.0.squareRoot()
        for t in [linear.weight, linear.bias!] {
            let v = t.toDoubles()
            #expect(v.allSatisfy { abs($0) <= bound })
            #expect(v.max()! > 0.95 * bound && v.min()! < -0.95 * bound)
        }
        let conv = Conv2d(6, 16, kernelSize: 5)
        let convBound = 1 / 150.0.squareRoot()
        #expect(conv.weight.toDoubles().allSatisfy { abs($0) <= convBound })
    }

    @Test func kaimingAndXavierStatistics() {
        let g = Generator(seed: 7)
        let w = Tensor.empty([256, 512])
        Init.kaimingNormal_(w, mode: .fanOut, nonlinearity: .relu, generator: g)
        let std = (2.0 / 256).squareRoot()
        #expect(abs(w.std().item() - std) < 0.02 * std)
        #expect(abs(w.mean().item()) < 0.01 * std)
        Init.kaimingUniform_(w, nonlinearity: .relu, generator: g)
        let bound = (6.0 / 512).squareRoot()
        #expect(w.abs().max().item() <= bound)
        #expect(abs(w.std().item() - (2.0 / 512).squareRoot()) < 0.02 * bound)
        Init.xavierUniform_(w, gain: Init.calculateGain(.tanh), generator: g)
        #expect(w.abs().max().item() <= 5.0 / 3 * (6.0 / 768).squareRoot())
        Init.xavierNormal_(w, generator: g)
        #expect(abs(w.std().item() - (2.0 / 768).squareRoot()) < 0.02 * (2.0 / 768).squareRoot())
    }

    @Test func deterministicInits() {
        #expect(Init.calculateGain(.leakyRelu) == (2 / 1.0001).squareRoot())
        #expect(Init.calculateGain(.leakyRelu, param: 5.0.squareRoot()) == (1.0 / 3).squareRoot())
        #expect(Init.calculateGain(.selu) == 0.75)
        #expect(Init.eye_(Tensor.empty([2, 3])).toDoubles() == [1, 0, 0, 0, 1, 0])
        #expect(Init.constant_(Tensor.empty([2]), 0.5).toDoubles() == [0.5, 0.5])
        let p = Linear(2, 2).weight
        Init.ones_(p)
        #expect(p.isLeaf && p.requiresGrad && p.toDoubles() == [1, 1, 1, 1])
    }

    @Test(arguments: [[3, 5], [5, 3], [4, 2, 3]])
    func orthogonalRowsOrColumns(_ shape: [Int]) {
        let w = Init.orthogonal_(Tensor.empty(shape), gain: 2, generator: Generator(seed: 3))
        let m = w.reshape([shape[0], -1])
        let gram = m.shape[0] <= m.shape[1] ? m.matmul(m.t()) : m.t().matmul(m)
        let eye = 4 * Tensor.eye(gram.shape[0])
        #expect((gram - eye).abs().max().item() < 1e-5)
    }
}

@Suite struct ModuleErrorTests {
    @Test func wrongInputShapeNamesTheLayer() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Linear(784, 256)(Tensor.zeros(2, 3))
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Linear(in_features=784, out_features=256, bias=True): expected input with last dimension 784, got [2, 3]"))
        }
    }

    @Test func nameCollisionNamesTheModule() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Sequential([("fc", Linear(1, 1)), ("fc", ReLU())])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("Sequential: attribute 'fc' already exists"))
        }
    }
}
