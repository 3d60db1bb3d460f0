// swift-tools-version: 6.0
import PackageDescription

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
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(
            name: "Ember",
            dependencies: ["CDNNL", "CZlib", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .executableTarget(
            name: "ember",
            dependencies: ["Ember", "CDNNL", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "EmberTests",
            dependencies: ["Ember", "CZlib"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
