// Batch normalization channel by channel: nn.BatchNorm2d(5) on a random (3, 5, 2, 3) batch
// leaves each channel's slice (N, H, W) with mean about 0 and variance about 1 (1.0587 with
// torch.var's unbiased estimate over 18 values: 18/17 of the normalized 1).
// Mirrors shared/seeds/000_038c5a5f9e813b7a.txt, §5-8 ~ 5-10 "其他网络结构" (the BatchNorm2d
// check "用代码验证如下").
// Run: swift run -c release BatchNormCheck
import Ember

let net = BatchNorm2d(5)
let t = Tensor.rand(3, 5, 2, 3)
let output = net(t)
for i in 0..<5 {
    print(output[.all, i, .all, .all].mean(), output[.all, i, .all, .all].var())
}
