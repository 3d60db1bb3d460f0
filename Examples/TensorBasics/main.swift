// Tensor basics: creation, properties and reductions (the note's numpy list, done with tensors),
// views that share memory, in-place ops, broadcasting, matrix products, copies and dtypes; then
// reshaping, selection (index_select, masked_select, nonzero, gather/scatter_) and the
// element-wise and reduction functions.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §2-2 "numpy与tensor", and
// shared/seeds/004_2a24c577cc23bafb.txt, §3 "Tensor和autograd".
// Run: swift run -c release TensorBasics
//
// There is no numpy on the Swift side: `Tensor(array)` and `toDoubles()` copy (like
// torch.tensor), and nothing shares memory with a Swift array (unlike numpy()/from_numpy()).
// There is only the CPU (no .cuda()/device=), and no resize_() (the note's tensor.resize).
import Ember

manualSeed(0)

// 2-2. The note's numpy calls, with tensors.
print(Tensor.zeros(2, 3))                          // np.zeros — float zeros
print(Tensor.ones(2, 3))                           // np.ones
print(Tensor.arange(3, 6))                         // np.arange(3, 6) → [3, 4, 5]
print(Tensor.rand(2, 3))                           // np.random.rand: uniform in [0, 1)
print(Tensor.uniform(0, 100, []).item())           // np.random.uniform(0, 100)
print(Tensor.randint(0, 100, []).itemInt())        // np.random.randint(0, 100)
print(Tensor.normal(mean: 100, std: 1, [2, 3]))    // np.random.normal(100, 1, (2, 3))

let a = Tensor.arange(1, 7).reshape(2, 3).float()
print(a.numel, a.shape, a.ndim, a.dtype)           // a.size; a.shape; a.ndim; a.dtype
print(a.sum(), a.mean(), a.std(), a.var())
print(a.min(), a.max(), a.argmin(), a.argmax())
print(a.flatten().cumsum(0), a.flatten().cumprod(0))  // numpy flattens for cumsum/cumprod
print(Tensor.empty(5, 3).shape)                    // torch.empty: uninitialized memory

// A view shares memory with its source: changing one changes the other.
let b = Tensor.arange(15).reshape(3, 5)
let view = b.view(15)
view[0] = Tensor(100)
print(b)

// In-place ops end with an underscore.
var x = Tensor([[1.0, 2.0]])
x.t_()
print(x.shape)
x.t_()

// Operators: in place, broadcast, element-wise power, matrix product.
x += 1                                             // 在每个x的维度上都加1
let y = Tensor([[10.0], [20.0], [30.0]])
let z = x + y                                      // (1, 2) + (3, 1) broadcast to (3, 2)
print(z)
print(z ** 2, z * z)                               // element-wise (Hadamard)
let m = Tensor([[1.0, 2.0], [3.0, 4.0]])
print(m.mm(m), Tensor.einsum("ij,jk->ik", m, m))

// A copy that shares no memory.
let xCp = x.clone()
xCp[0, 0] = Tensor(-1.0)
print(x, xCp)

// Conversions: y.to("cpu", torch.double).
print(z.to(.float64).dtype, z.long(), z.half().dtype)

// §3 (seed 004): view needs the same number of elements; squeeze/unsqueeze add or drop size-1 dims.
let t = Tensor.arange(6)
print(t.view(2, 3), t.view(-1, 2).shape)
print(t.unsqueeze(0).shape, t.unsqueeze(1).shape, t.view(1, 1, 6).squeeze().shape)

// Selection.
let s = Tensor.randn(3, 4)
print(s.indexSelect(0, Tensor([0, 2])))            // rows 0 and 2
print(s.maskedSelect(s .> 0.0), s[s .> 0.0])       // a[a>0]
print(Tensor([0, 1, 0, 2]).nonzero())

// gather: out[i][j] = input[index[i][j]][j] (dim 0), input[i][index[i][j]] (dim 1).
let g = Tensor.arange(16).view(4, 4)
let index = Tensor([[0, 1, 2, 3]])
print(g.gather(0, index))                          // the diagonal, as one row
let diagIndex = Tensor([[0], [1], [2], [3]])
let diag = g.gather(1, diagIndex)
print(diag)
// scatter_ puts gathered values back where gather took them from.
let back = Tensor.zeros([4, 4], dtype: .int64)
back.scatter_(1, diagIndex, diag)
print(back)

// Element-wise functions.
let e = Tensor([-1.5, -0.5, 0.5, 2.5])
print(e.abs(), e.abs().sqrt(), e.div(Tensor(2.0)), e.exp())
print(e.fmod(Tensor(2.0)), e.abs().log(), e.pow(2))
print(e.cos(), e.sin(), e.atan2(Tensor(1.0)), e.cosh())
print(e.ceil(), e.round(), e.floor(), e.trunc())
print(e.clamp(min: -1, max: 1))
print(e.sigmoid(), e.tanh())

// Reductions, along a dim.
let r = Tensor([[1.0, 2.0, 2.0], [4.0, 5.0, 9.0]])
print(r.mean(dim: 1), r.sum(dim: 0), r.median(dim: 1).values, r.mode(dim: 1).values)
print(r.norm(p: 2), r.norm(p: 1, dim: 1), r[0].dist(r[1], p: 2))
print(r.std(dim: 1), r.var(dim: 1, correction: 0))
print(r.cumsum(1), r.cumprod(1))
