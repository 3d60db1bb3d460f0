extension Module {
    /// The model printed as PyTorch prints it: the class name, `extraRepr` and each child on an
    /// indented `(name): ...` line. PyTorch: `repr(module)` / `print(model)`.
    public var description: String {
        let extraLines = extraRepr.isEmpty ? [] : extraRepr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let childLines = childReprLines()
        let lines = extraLines + childLines
        var text = typeName + "("
        if extraLines.count == 1 && childLines.isEmpty {
            text += extraLines[0]
        } else if !lines.isEmpty {
            text += "\n  " + lines.joined(separator: "\n  ") + "\n"
        }
        return text + ")"
    }
}

/// Every line but the first indented by two spaces. PyTorch: `torch.nn.modules.module._addindent`.
func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        .map { $0.offset == 0 ? String($0.element) : "  " + $0.element }.joined(separator: "\n")
}

/// Python's spelling of values in `extraRepr` strings.
enum PyRepr {
    /// `True` / `False`.
    static func bool(_ b: Bool) -> String { b ? "True" : "False" }
    /// A float as Python's `repr` writes it: `1.0`, `0.1`, `1e-05`.
    static func float(_ d: Double) -> String { "\(d)" }
    /// A tuple: `(5, 5)`, `(5,)`.
    static func tuple(_ v: [Int]) -> String {
        v.count == 1 ? "(\(v[0]),)" : "(" + v.map(String.init).joined(separator: ", ") + ")"
    }
}
