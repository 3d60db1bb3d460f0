import ArgumentParser
import Ember
import Foundation

/// `ember convert IN OUT`: a checkpoint or array file from one format to another, each told by
/// its extension (`.pt`/`.pth`, `.safetensors`, `.npz`, `.npy`); the input's format is read from
/// its contents.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert between PyTorch .pt/.pth, .safetensors and NumPy .npz/.npy files.",
        discussion: """
            Nested dicts and lists (an optimizer's state) become dotted keys in safetensors and \
            .npz files (state.0.exp_avg), with the structure and the non-tensor values in the \
            metadata, so converting back gives the same object. PyTorch files are read as \
            torch.load(weights_only=True) reads them: nothing in them is executed.
            """)

    @Argument(help: "The file to read.") var input: String
    @Argument(help: "The file to write; its extension picks the format (anything but .safetensors, .npz and .npy is a PyTorch zip file).")
    var output: String
    @Flag(help: "Deflate the arrays of an .npz output (numpy.savez_compressed).") var compressed = false

    func validate() throws {
        try OutputPaths.checkFile(output, option: "OUT")
        if compressed && URL(fileURLWithPath: output).pathExtension.lowercased() != "npz" {
            throw ValidationError("--compressed applies to .npz outputs only")
        }
    }

    func run() throws {
        let value = try load(from: input)
        try save(value, to: output, compressed: compressed)
        var count = 0, bytes = 0
        func visit(_ v: SavedValue) {
            switch v {
            case .tensor(let t):
                count += 1
                bytes += t.numel * t.elementSize
            case .list(let items), .tuple(let items): items.forEach(visit)
            case .dict(let pairs): pairs.forEach { visit($0.key); visit($0.value) }
            default: break
            }
        }
        visit(value)
        print("wrote \(output): \(count) tensor\(count == 1 ? "" : "s"), \(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB, from \(input)")
    }
}
