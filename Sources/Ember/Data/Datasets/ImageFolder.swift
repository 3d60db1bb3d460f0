import Foundation

/// Images sorted into one subdirectory per class, `root/<class>/**/<image>.png`. A sample is the
/// image as a float32 `[3, H, W]` tensor in [0, 1] and its int64 class index, after `transform`
/// and `targetTransform`. torchvision: `torchvision.datasets.ImageFolder(root, transform,
/// target_transform)` with its default loader followed by `ToTensor()`.
///
/// Classes are the subdirectories of `root` sorted by name (hidden ones included, as in
/// torchvision); each class holds the `.png` files (any letter case) anywhere below its
/// directory, symbolic links followed, ordered as torchvision orders them: by directory path,
/// then by file name. Only PNG is read, so the list of extensions torchvision accepts shrinks to
/// `.png`.
///
/// Images load lazily, when a sample is read: construction only lists the files, as torchvision
/// does, so it stays quick for large trees. A missing `root`, a `root` without class folders or
/// a class without images throws at construction. A file that cannot be decoded throws from
/// `load(_:)`; the subscript, which `DataLoader` uses and which cannot throw, stops the program
/// with the same message, naming the file, much as the exception from torchvision's loader
/// ends the training loop.
public struct ImageFolder: Dataset {
    /// The file name endings read, compared without regard to case. torchvision: `IMG_EXTENSIONS`.
    public static let extensions = [".png"]

    /// The directory holding one folder per class.
    public let root: String
    /// The class names, sorted; a class's index is its position here. PyTorch: `dataset.classes`.
    public let classes: [String]
    /// Each class name's index. PyTorch: `dataset.class_to_idx`.
    public let classToIdx: [String: Int]
    /// Every image file and its class index, in dataset order. PyTorch: `dataset.samples`.
    public let samples: [(path: String, classIndex: Int)]
    /// Applied to each image after it is decoded.
    public let transform: (any Transform)?
    /// Applied to each class index (an int64 scalar tensor).
    public let targetTransform: (any Transform)?

    /// Lists the classes and image files under `root`.
    public init(root: String, transform: (any Transform)? = nil, targetTransform: (any Transform)? = nil) throws(DatasetError) {
        try requireDirectory(root)
        let classes = try listDirectory(root).filter { isDirectory(joinPath(root, $0)) }.sorted(by: codePointOrder)
        guard !classes.isEmpty else { throw DatasetError(.missing, path: root, "couldn't find any class folder") }
        var samples: [(path: String, classIndex: Int)] = []
        var empty: [String] = []
        for (index, name) in classes.enumerated() {
            let files = try imageFiles(under: joinPath(root, name))
            if files.isEmpty { empty.append(name) }
            samples += files.map { ($0, index) }
        }
        guard empty.isEmpty else {
            throw DatasetError(.missing, path: root,
                               "found no valid file for the classes \(empty.joined(separator: ", ")); supported extensions are: \(Self.extensions.joined(separator: ", "))")
        }
        self.root = root
        self.classes = classes
        classToIdx = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.samples = samples
        self.transform = transform
        self.targetTransform = targetTransform
    }

    /// The class index of each sample, in dataset order. PyTorch: `dataset.targets`.
    public var targets: [Int] { samples.map(\.classIndex) }

    public var count: Int { samples.count }

    /// Decodes sample `index` and applies the transforms; throws, naming the file, when it has
    /// gone (`.missing`) or is not a valid PNG (`.invalidFormat`). Like torchvision's loader
    /// (Pillow's `convert("RGB")`), gray images are repeated into three channels and an alpha
    /// channel is dropped, not blended.
    public func load(_ index: Int) throws(DatasetError) -> (Tensor, Tensor) {
        let (path, classIndex) = samples[index]
        let pixels: Tensor
        do {
            pixels = try PNGFile.read(path, channels: 3)
        } catch {
            guard FileManager.default.fileExists(atPath: path) else { throw DatasetError(.missing, path: path, "file not found") }
            throw DatasetError(.invalidFormat, path: path, "not a readable PNG image: \(error.reason)")
        }
        let image = unitFloats(pixels.permute(2, 0, 1))
        let target = Tensor(classIndex)
        return (transform.map { $0(image) } ?? image, targetTransform.map { $0(target) } ?? target)
    }

    /// Sample `index`, as `load(_:)` reads it; stops the program with `load`'s error when the
    /// file cannot be decoded.
    public subscript(index: Int) -> (Tensor, Tensor) {
        do {
            return try load(index)
        } catch {
            fatalError("ImageFolder: \(error)")
        }
    }
}

/// The image files below `directory`, in torchvision's order: directories by path
/// (`sorted(os.walk(directory, followlinks=True))`), files by name within each. Python sorts
/// whole paths, so a subfolder's files need not follow its parent's: `a/`, `a b/`, `a/x/`.
private func imageFiles(under directory: String) throws(DatasetError) -> [String] {
    try imageFolders(under: directory, ancestors: []).sorted { codePointOrder($0.path, $1.path) }.flatMap(\.files)
}

/// `directory` and every directory below it, each with its image files sorted by name. A link
/// that leads back to one of the `ancestors` (real paths) is not entered again.
private func imageFolders(under directory: String, ancestors: Set<String>) throws(DatasetError) -> [(path: String, files: [String])] {
    let real = (directory as NSString).resolvingSymlinksInPath
    if ancestors.contains(real) { return [] }
    var files: [String] = [], below: [(path: String, files: [String])] = []
    for name in try listDirectory(directory).sorted(by: codePointOrder) {
        let path = joinPath(directory, name)
        if isDirectory(path) {
            below += try imageFolders(under: path, ancestors: ancestors.union([real]))
        } else if ImageFolder.extensions.contains(where: name.lowercased().hasSuffix) {
            files.append(path)
        }
    }
    return [(directory, files)] + below
}

/// The entry names of `directory`.
private func listDirectory(_ directory: String) throws(DatasetError) -> [String] {
    do {
        return try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
        throw DatasetError(.cannotRead, path: directory, "cannot list directory: \(error.localizedDescription)")
    }
}

/// Whether `path` is a directory or a link to one.
private func isDirectory(_ path: String) -> Bool {
    var flag: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
}

/// `directory/name`, without doubling a trailing slash. Python: `os.path.join`.
private func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// Python's string order: by Unicode code point, with no normalization.
private func codePointOrder(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
}
