import ArgumentParser
import Ember

@main
struct EmberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ember",
        abstract: "Ember: deep learning in Swift with PyTorch's semantics.",
        subcommands: [Train.self, Eval.self, Predict.self, Generate.self, Summary.self, Convert.self, Export.self, Tour.self, Bench.self])
}
