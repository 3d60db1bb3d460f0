import Testing
@testable import Ember

@Suite struct PromotionTests {
    @Test(arguments: [
        (DType.int32, DType.int64, DType.int64), (.uint8, .int8, .int16), (.bool, .int32, .int32),
        (.float16, .bfloat16, .float32), (.int64, .float16, .float16), (.float32, .float64, .float64),
        (.uint8, .uint8, .uint8), (.bool, .bool, .bool), (.int16, .float32, .float32),
    ])
    func promoteTypes(a: DType, b: DType, expected: DType) {
        #expect(DType.promote(a, b) == expected)
        #expect(DType.promote(b, a) == expected)
    }

    @Test func scalarsDoNotWidenTensors() {
        let i = Tensor([1, 2, 3], dtype: .int32)
        #expect((i + 1).dtype == .int32)
        #expect((i * 2.5).dtype == .float32)
        #expect((Tensor([1.0], dtype: .float16) * 2.0).dtype == .float16)
        #expect((Tensor([1, 2]) / 2).dtype == .float32)
        #expect((Tensor([1, 2]) / 2).toDoubles() == [0.5, 1])
    }

    @Test func zeroDimTensorsOnlyWidenCategory() {
        let f = Tensor([1.0, 2.0])
        #expect((f + Tensor(1.0, dtype: .float64)).dtype == .float32)
        #expect((Tensor([1, 2]) + Tensor(1.5, dtype: .float64)).dtype == .float64)
        #expect((Tensor([1, 2], dtype: .int8) + Tensor(3)).dtype == .int8)
    }

    @Test func conversions() {
        let x = Tensor([1.7, -2.7, 0.0])
        #expect(x.long().toInts() == [1, -2, 0])
        #expect(x.bool().toBools() == [true, true, false])
        #expect(x.double().dtype == .float64)
        #expect(x.half().toDoubles() == [1.7001953125, -2.69921875, 0])
        #expect(x.bfloat16().toDoubles() == [1.703125, -2.703125, 0])
        #expect(Tensor([300]).to(.uint8).toInts() == [44])
        #expect(Tensor([true, false]).float().toDoubles() == [1, 0])
    }

    @Test func comparisonsReturnBool() {
        let x = Tensor([1.0, 2.0, 3.0])
        let m = x .> 1.5
        #expect(m.dtype == .bool)
        #expect(m.toBools() == [false, true, true])
        #expect((Tensor([1, 2]) .== Tensor([1.0, 2.5])).toBools() == [true, false])
    }
}
