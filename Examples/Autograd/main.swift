// Autograd walk-through: requires_grad, grad_fn and leaves, gradient accumulation, a non-scalar
// backward, torch.no_grad() cutting a term out of the graph, and why `.data` is unsafe.
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §2-3 "autograd" (and the Autograd notes of
// shared/seeds/004_2a24c577cc23bafb.txt, §2.2.2), with the book's §2.3 examples it summarizes.
// Run: swift run -c release Autograd
import Ember

// Tensors created directly are leaves: no grad_fn.
var x = Tensor.ones([2, 2], requiresGrad: true)
print(x)
print(x.gradFn as Any)

var y = x + 2
print(y)
print(y.gradFn!)
print(x.isLeaf, y.isLeaf)

let z = y * y * 3
let out = z.mean()
print(z, out)

// backward() is called on a scalar; the gradient lands in the leaves' .grad.
out.backward()
print(x.grad!)

// Gradients accumulate over backward calls, so they are zeroed before the next one.
let out2 = x.sum()
out2.backward()
print(x.grad!)

let out3 = x.sum()
x.grad!.data.zero_()
out3.backward()
print(x.grad!)

// A non-scalar result needs the gradient to weigh its elements with.
x = Tensor([1.0, 2.0, 3.0, 4.0], requiresGrad: true)
y = 2 * x
let v = Tensor([[1.0, 0.1], [0.01, 0.001]])
y.view(2, 2).backward(gradient: v)
print(x.grad!)

// requires_grad_() turns recording on for a tensor made without it.
var a = Tensor.randn(2, 2)
a = (a * 3) / (a - 1)
print(a.requiresGrad)
a.requiresGrad_(true)
print(a.requiresGrad)
let b = (a * a).sum()
print(b.gradFn!)

// 在式子中,部分项detach: y_2 is computed without recording, so only y_1's 2x reaches x.grad.
x = Tensor(1.0, requiresGrad: true)
let y1 = x ** 2
let y2 = noGrad { x ** 3 }  // y_2不记录梯度
let y3 = y1 + y2            // y_3包含了y_2项
print(x.requiresGrad)
print(y1, y1.requiresGrad)
print(y2, y2.requiresGrad)
print(y3, y3.requiresGrad)
y3.backward()
print(x.grad!)  // 2x, not 2x + 3x²

// Changing .data changes the values outside the graph: the gradient uses the new value.
x = Tensor.ones([1], requiresGrad: true)
y = x ** 2
x.data *= 100  // 只改变了值,不会记录在计算图,所以不会影响梯度传播
print(y)       // 1
y.backward()
print(x)       // x = 100; 更改data的值也会影响tensor的值
print(x.grad!) // x.grad = 200; x的梯度为2x,而x在这里已经被修改成100了
