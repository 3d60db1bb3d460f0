// Vector operations Swift cannot express in one instruction. Clang's vector extension types import
// into Swift as SIMD8<Float> and SIMD4<Double>; the functions are inline, so they compile into
// their Swift callers (no call, no library to link).
#ifndef EMBER_VECTOR_MATH_H
#define EMBER_VECTOR_MATH_H

typedef float ember_float8 __attribute__((ext_vector_type(8)));
typedef double ember_double4 __attribute__((ext_vector_type(4)));
typedef int ember_int8 __attribute__((ext_vector_type(8)));

// IEEE square roots, one instruction each. Swift's squareRoot() calls libm's sqrt (for errno) once
// per element on Linux, also for SIMD vectors.
static inline __attribute__((always_inline)) float ember_sqrt_f(float x) { return __builtin_elementwise_sqrt(x); }
static inline __attribute__((always_inline)) double ember_sqrt_d(double x) { return __builtin_elementwise_sqrt(x); }
static inline __attribute__((always_inline)) ember_float8 ember_sqrt_f8(ember_float8 x) { return __builtin_elementwise_sqrt(x); }
static inline __attribute__((always_inline)) ember_double4 ember_sqrt_d4(ember_double4 x) { return __builtin_elementwise_sqrt(x); }

// `v` where `z > 0`, else 0: one compare and one blend. Swift's `replacing(with:where:)` on a
// SIMD vector compiles into a loop over the lanes.
static inline __attribute__((always_inline)) ember_float8 ember_keep_positive_f8(ember_float8 v, ember_float8 z) {
    return z > 0 ? v : (ember_float8)0;
}
static inline __attribute__((always_inline)) ember_double4 ember_keep_positive_d4(ember_double4 v, ember_double4 z) {
    return z > 0 ? v : (ember_double4)0;
}

// Max pooling's test for eight windows: the lanes where tap `v` beats `best`, being greater or
// NaN (so a later NaN wins, as in PyTorch's kernels); all bits set where it does.
static inline __attribute__((always_inline)) ember_int8 ember_max_wins_f8(ember_float8 v, ember_float8 best) {
    return (v > best) | (v != v);
}

// The even lanes of the sixteen floats at `p` (p[0], p[2], …, p[14]): max pooling's taps at stride 2.
typedef float ember_float16 __attribute__((ext_vector_type(16)));
static inline __attribute__((always_inline)) ember_float8 ember_even_f8(const float *p) {
    ember_float16 v;
    __builtin_memcpy(&v, p, sizeof v);
    return __builtin_shufflevector(v, v, 0, 2, 4, 6, 8, 10, 12, 14);
}

// `a` where `mask` is set, else `b`: one blend each. Swift's `replacing(with:where:)` compiles into
// a loop over the lanes.
static inline __attribute__((always_inline)) ember_float8 ember_select_f8(ember_int8 mask, ember_float8 a, ember_float8 b) {
    return mask ? a : b;
}
static inline __attribute__((always_inline)) ember_int8 ember_select_i8(ember_int8 mask, ember_int8 a, ember_int8 b) {
    return mask ? a : b;
}

// The 8×8 transpose of rows `r`: `c[j]` holds every row's element `j`. Twenty-four shuffles.
static inline __attribute__((always_inline)) void ember_transpose8(const ember_float8 r[8], ember_float8 c[8]) {
    ember_float8 t0 = __builtin_shufflevector(r[0], r[1], 0, 8, 1, 9, 4, 12, 5, 13);
    ember_float8 t1 = __builtin_shufflevector(r[0], r[1], 2, 10, 3, 11, 6, 14, 7, 15);
    ember_float8 t2 = __builtin_shufflevector(r[2], r[3], 0, 8, 1, 9, 4, 12, 5, 13);
    ember_float8 t3 = __builtin_shufflevector(r[2], r[3], 2, 10, 3, 11, 6, 14, 7, 15);
    ember_float8 t4 = __builtin_shufflevector(r[4], r[5], 0, 8, 1, 9, 4, 12, 5, 13);
    ember_float8 t5 = __builtin_shufflevector(r[4], r[5], 2, 10, 3, 11, 6, 14, 7, 15);
    ember_float8 t6 = __builtin_shufflevector(r[6], r[7], 0, 8, 1, 9, 4, 12, 5, 13);
    ember_float8 t7 = __builtin_shufflevector(r[6], r[7], 2, 10, 3, 11, 6, 14, 7, 15);
    ember_float8 u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
    ember_float8 u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    ember_float8 u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
    ember_float8 u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    ember_float8 u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
    ember_float8 u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    ember_float8 u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
    ember_float8 u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    c[0] = __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11);
    c[1] = __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11);
    c[2] = __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11);
    c[3] = __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11);
    c[4] = __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15);
    c[5] = __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15);
    c[6] = __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15);
    c[7] = __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15);
}

// Eight rows of eight floats at `src` (rows `src_stride` floats apart) written transposed as eight
// rows at `dst` (`dst_stride` apart), each value clamped to [lo, hi] with NaN kept (a comparison
// with NaN is false). Unaligned loads and stores.
static inline __attribute__((always_inline)) void ember_transpose8_clamp(const float *src, long src_stride, float *dst,
                                                                         long dst_stride, float lo, float hi) {
    ember_float8 r[8], c[8];
    for (int i = 0; i < 8; i++) __builtin_memcpy(&r[i], src + i * src_stride, sizeof(ember_float8));
    ember_transpose8(r, c);
    for (int i = 0; i < 8; i++) {
        ember_float8 v = c[i];
        v = v < lo ? (ember_float8)lo : v;
        v = v > hi ? (ember_float8)hi : v;
        __builtin_memcpy(dst + i * dst_stride, &v, sizeof(ember_float8));
    }
}

// Eight rows of eight floats at `src` (rows `src_stride` floats apart), row `i` mapped by
// `max(x·scale[i] + shift[i], 0)` with NaN kept (a batch norm in evaluation and a ReLU, rounded
// as `BatchNormKernels.affine` rounds: a product, then a sum, never one fused multiply-add),
// written transposed as eight rows at `dst` (`dst_stride` apart). Unaligned loads and stores.
static inline __attribute__((always_inline)) void ember_transpose8_affine_relu(const float *src, long src_stride, float *dst,
                                                                               long dst_stride, const float *scale,
                                                                               const float *shift) {
#pragma STDC FP_CONTRACT OFF
    ember_float8 r[8], c[8];
    for (int i = 0; i < 8; i++) {
        ember_float8 v;
        __builtin_memcpy(&v, src + i * src_stride, sizeof(ember_float8));
        v = v * scale[i];
        v = v + shift[i];
        r[i] = v <= 0 ? (ember_float8)0 : v;
    }
    ember_transpose8(r, c);
    for (int i = 0; i < 8; i++) __builtin_memcpy(dst + i * dst_stride, &c[i], sizeof(ember_float8));
}

// `e^x`, `1 / (1 + e^-x)` and `tanh x` on eight lanes: the bodies of Ember's VectorMath (see there
// for the method and the accuracy). In C so that they compile into their callers as one block of
// 256-bit code: the Swift versions were left as calls by the optimizer inside the recurrent
// layers' gate kernels, with each SIMD8 passed and returned as two 128-bit halves.
static inline __attribute__((always_inline)) ember_float8 ember_exp_f8(ember_float8 x) {
#pragma STDC FP_CONTRACT OFF
    ember_float8 xc = x < -104 ? (ember_float8)-104 : x;
    xc = x > 89 ? (ember_float8)89 : xc;
    // Adding 1.5·2^23 rounds to an integer and leaves it in the low bits of the float.
    const ember_float8 magic = 12582912.0f;
    ember_float8 t = xc * 1.4426950408889634f + magic;
    ember_float8 n = t - magic;
    ember_float8 r = xc - n * 0.693359375f + n * 2.1219444e-4f;
    ember_float8 p = 1.98756915e-4f;
    p = __builtin_elementwise_fma(p, r, (ember_float8)1.3981999507e-3f);
    p = __builtin_elementwise_fma(p, r, (ember_float8)8.3334519073e-3f);
    p = __builtin_elementwise_fma(p, r, (ember_float8)4.1665795894e-2f);
    p = __builtin_elementwise_fma(p, r, (ember_float8)1.6666665459e-1f);
    p = __builtin_elementwise_fma(p, r, (ember_float8)5.0000001201e-1f);
    ember_float8 y = __builtin_elementwise_fma(p, r * r, r) + 1;
    ember_int8 k = __builtin_bit_cast(ember_int8, t) - 0x4B400000;
    ember_int8 k1 = k >> 1, k2 = k - k1;
    ember_float8 result = y * __builtin_bit_cast(ember_float8, (k1 + 127) << 23) * __builtin_bit_cast(ember_float8, (k2 + 127) << 23);
    result = x > 88.722839f ? (ember_float8)__builtin_inff() : result;
    return x != x ? x : result;
}

static inline __attribute__((always_inline)) ember_float8 ember_sigmoid_f8(ember_float8 x) {
#pragma STDC FP_CONTRACT OFF
    return 1 / (1 + ember_exp_f8(-x));
}

static inline __attribute__((always_inline)) ember_float8 ember_tanh_f8(ember_float8 x) {
#pragma STDC FP_CONTRACT OFF
    ember_float8 z = x * x;
    ember_float8 p = -5.70498872745e-3f;
    p = __builtin_elementwise_fma(p, z, (ember_float8)2.06390887954e-2f);
    p = __builtin_elementwise_fma(p, z, (ember_float8)-5.37397155531e-2f);
    p = __builtin_elementwise_fma(p, z, (ember_float8)1.33314422036e-1f);
    p = __builtin_elementwise_fma(p, z, (ember_float8)-3.33332819422e-1f);
    ember_float8 small = __builtin_elementwise_fma(p * z, x, x);
    ember_float8 a = x < 0 ? -x : x;
    ember_float8 large = 1 - 2 / (ember_exp_f8(a + a) + 1);
    large = x < 0 ? -large : large;
    ember_float8 result = a < 0.625f ? small : large;
    return x != x ? x : result;
}

// Flush-to-zero and denormals-are-zero for the calling thread (x86's MXCSR bits FTZ and DAZ):
// `begin` sets them and returns the previous mode for `end` to restore. Elsewhere both do nothing.
#if defined(__x86_64__)
static inline __attribute__((always_inline)) unsigned ember_subnormals_off_begin(void) {
    unsigned mode = __builtin_ia32_stmxcsr();
    __builtin_ia32_ldmxcsr(mode | 0x8040);
    return mode;
}
static inline __attribute__((always_inline)) void ember_subnormals_off_end(unsigned mode) { __builtin_ia32_ldmxcsr(mode); }
#else
static inline __attribute__((always_inline)) unsigned ember_subnormals_off_begin(void) { return 0; }
static inline __attribute__((always_inline)) void ember_subnormals_off_end(unsigned mode) { (void)mode; }
#endif

#endif
