extension Tensor {
    /// Reshapes in place to contiguous `shape` over the same storage from the same offset, as
    /// PyTorch does: the stored elements are kept in place and read row-major; storage that is
    /// too small is replaced by a larger one holding the old bytes, the rest zeros (PyTorch
    /// leaves them uninitialized and grows the storage its views share; views of this tensor
    /// keep the old storage here). PyTorch: `tensor.resize_(*sizes)`.
    @discardableResult
    public func resize_(_ newShape: [Int]) -> Tensor {
        check(!requiresGradFlag, "cannot resize variables that require grad")
        for s in newShape { check(s >= 0, "Trying to create tensor with negative dimension \(s): \(shapeString(newShape))") }
        let needed = (storageOffset + newShape.reduce(1, *)) * dtype.itemSize
        if needed > storage.byteCount {
            let grown = Storage(zeroedByteCount: needed)
            grown.data.copyMemory(from: storage.data, byteCount: storage.byteCount)
            replaceStorage(grown)
        }
        shape = newShape
        strides = Tensor.contiguousStrides(newShape)
        bumpVersion()
        return self
    }
}
