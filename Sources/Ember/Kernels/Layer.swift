// Kernels: the loops (SIMD, threads), oneDNN and BLAS calls under the ops.
//
// A kernel takes `Tensor`s as plain operand descriptors: storage pointer, shape, strides, offset and
// dtype, read through `pointer(as:)`, `strides` and the raw views of `Tensor/RawViews.swift`
// (`contiguousRaw`, `broadcastView`, `converted`). It writes its outputs into tensors the op
// allocated. It never records a graph node, reads the grad mode or calls into `Ops/`: forward
// choices, promotion and autograd belong to the op that calls it. Per-thread state (the oneDNN
// stream) comes from `Runtime/`.
