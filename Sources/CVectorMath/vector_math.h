// Vector operations Swift cannot express in one instruction. Clang's vector extension types import
// into Swift as SIMD8<Float> and SIMD4<Double>; the functions are inline, so they compile into
// their Swift callers (no call, no library to link).
#ifndef EMBER_VECTOR_MATH_H
#define EMBER_VECTOR_MATH_H

typedef float ember_float8 __attribute__((ext_vector_type(8)));
typedef double ember_double4 __attribute__((ext_vector_type(4)));

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
