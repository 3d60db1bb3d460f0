// swift-tools-version: 6.0
import PackageDescription

/// The textbook programs under Examples/ (see Examples/README.md), one executable target each.
/// The walk-throughs use Ember alone; the training programs also use D2L, the helpers the book
/// keeps in its `d2lzh_pytorch` package.
let walkThroughs = ["TensorBasics", "Autograd", "ModelConstruction", "ConvolutionLayers", "CNNArchitectures",
                    "RecurrentLayers", "BatchNormCheck", "QuickStart", "DataParallel"]
let trainingPrograms = ["LinearRegressionScratch", "LinearRegressionConcise", "SoftmaxRegressionScratch",
                        "SoftmaxRegressionConcise", "MLPScratch", "MLPConcise", "LeNet5", "BatchNormLeNet",
                        "ResNetTraining", "DenseNetTraining", "WeightDecay", "Dropout"]

/// The CPU the library's kernels are compiled for. Swift otherwise targets the x86-64 baseline
/// (SSE2): a `SIMD8<Float>` is two 4-wide halves and nothing uses AVX. Haswell (AVX2, FMA, 2013
/// and later) is what any current x86-64 server has; `EMBER_TARGET_CPU` picks another (`x86-64`
/// for older machines, `native` for this one). Other architectures keep the compiler's default.
#if arch(x86_64)
let targetCPU = Context.environment["EMBER_TARGET_CPU"] ?? "haswell"
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", targetCPU])]
#else
let kernelSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "Ember",
    products: [
        .library(name: "Ember", targets: ["Ember"]),
        .executable(name: "ember", targets: ["ember"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c"),
        .systemLibrary(name: "CVectorMath", path: "Sources/CVectorMath"),
        .target(
            name: "Ember",
            dependencies: ["CDNNL", "CPNG", "CCairo", "CZlib", "CVectorMath", "CMPI", .product(name: "Numerics", package: "swift-numerics")],
            swiftSettings: kernelSettings
        ),
        .executableTarget(
            name: "ember",
            dependencies: ["Ember", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "EmberTests",
            dependencies: ["Ember", "CZlib", "EmberFuzz"]
        ),
        .target(name: "D2L", dependencies: ["Ember"], path: "Examples/D2L"),
        // The fuzzing harness of the parsers (see RELIABILITY.md and `make fuzz`).
        .executableTarget(name: "EmberFuzz", dependencies: ["Ember", "CZlib"], path: "Fuzz"),
        // The scenarios DistributedTests runs under mpirun.
        .executableTarget(name: "DistributedCheck", dependencies: ["Ember"], path: "Tests/DistributedCheck"),
    ]
        + walkThroughs.map { .executableTarget(name: $0, dependencies: ["Ember"], path: "Examples/\($0)") }
        + trainingPrograms.map { .executableTarget(name: $0, dependencies: ["Ember", "D2L"], path: "Examples/\($0)") },
    swiftLanguageModes: [.v6]
)
