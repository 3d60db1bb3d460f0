import ArgumentParser
import Ember

/// `ember tour`: a short walk through tensors and autograd.
struct Tour: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a short tour of tensors and autograd.")

    func run() {
        let x = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
        print("x =", x)
    }
}
