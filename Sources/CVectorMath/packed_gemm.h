// A matrix product for operands that are used many times, such as a recurrent layer's `W_hh` at
// every step: the right operand is packed once into panels of sixteen columns, and each product is
// then a 6×16 AVX2/FMA micro-kernel over rows of the left operand. No packing per call and no
// threads: the callers split the rows across their own threads. On the 2-core AVX2 EPYC VM this
// runs a 16×256 by 256×1024 product at 86–93 GFLOP/s per core; PyTorch's `torch.mm` ran 32×256 by
// 256×512 at 64 on one thread there, and a `dnnl_sgemm` per step (which packs `W_hh` at every
// call) was what the recurrent layers used before.
#ifndef EMBER_PACKED_GEMM_H
#define EMBER_PACKED_GEMM_H

#include "vector_math.h"

// Columns per panel of a packed right operand.
#define EMBER_PANEL 16

// One row of the micro-kernel: row `r`'s accumulators take `a[r][kk]` times the panel's row `kk`,
// when the kernel has that row (`rows`, a constant where the kernel is inlined).
#define EMBER_PANEL_ROW(r)                                                    \
    if (rows > r) {                                                           \
        ember_float8 x = (ember_float8)a[kk * 6 + r];                       \
        lo##r = __builtin_elementwise_fma(x, b0, lo##r);                      \
        hi##r = __builtin_elementwise_fma(x, b1, hi##r);                      \
    }
// Stores row `r`'s accumulators into `c`, adding what is there when `accumulate`.
#define EMBER_PANEL_STORE(r)                                                  \
    if (rows > r) {                                                           \
        float *out = c + r * ldc;                                             \
        if (accumulate) {                                                     \
            ember_float8 v0, v1;                                              \
            __builtin_memcpy(&v0, out, sizeof v0);                            \
            __builtin_memcpy(&v1, out + 8, sizeof v1);                        \
            lo##r += v0;                                                      \
            hi##r += v1;                                                      \
        }                                                                     \
        __builtin_memcpy(out, &lo##r, sizeof lo##r);                          \
        __builtin_memcpy(out + 8, &hi##r, sizeof hi##r);                      \
    }

// `rows` (1 to 6) rows of `c` (16 columns, row stride `ldc`) = (or += when `accumulate`) a sliver
// of the left operand (`k` columns of 6 rows, column after column) times one panel (`k` rows of 16
// floats). The twelve accumulators are named variables, so that they live in registers whatever
// the optimizer unrolls.
static inline __attribute__((always_inline)) void ember_panel_kernel(int rows, long k, const float *a,
                                                                     const float *panel, float *c, long ldc,
                                                                     int accumulate) {
    ember_float8 lo0 = 0, lo1 = 0, lo2 = 0, lo3 = 0, lo4 = 0, lo5 = 0;
    ember_float8 hi0 = 0, hi1 = 0, hi2 = 0, hi3 = 0, hi4 = 0, hi5 = 0;
    for (long kk = 0; kk < k; kk++) {
        ember_float8 b0, b1;
        __builtin_memcpy(&b0, panel + EMBER_PANEL * kk, sizeof b0);
        __builtin_memcpy(&b1, panel + EMBER_PANEL * kk + 8, sizeof b1);
        EMBER_PANEL_ROW(0) EMBER_PANEL_ROW(1) EMBER_PANEL_ROW(2)
        EMBER_PANEL_ROW(3) EMBER_PANEL_ROW(4) EMBER_PANEL_ROW(5)
    }
    EMBER_PANEL_STORE(0) EMBER_PANEL_STORE(1) EMBER_PANEL_STORE(2)
    EMBER_PANEL_STORE(3) EMBER_PANEL_STORE(4) EMBER_PANEL_STORE(5)
}

// Floats of the workspace ember_packed_gemm takes: a block of the left operand, 192 rows by 256.
#define EMBER_PACKED_GEMM_WORKSPACE (192 * 256)

// `c` (`m` rows, `16 · panels` columns, row stride `ldc`) = `a` (`m × k`, element (i, j) at
// `a[i * rs + j * cs]`: `cs` 1 for a row-major matrix, `rs` 1 for the transpose of one) times the
// packed operand `b` (`panels` panels of `k` rows of 16 floats; see ember_pack_panels). Blocked as
// GotoBLAS blocks: 256 deep, so that a panel's slice (16 KiB) stays in L1 across 192 rows of `a`,
// whose block is copied into `work` (EMBER_PACKED_GEMM_WORKSPACE floats) as slivers of 6 rows, so
// that the kernel reads it in order whatever its strides, and stays in L2 across the panels. (A
// recurrent layer's weight gradient, 1024 × 1120 by 1120 × 256 on two threads: 156–165 GFLOP/s
// with blocks of 96 rows, 169–171 with 192.)
static inline void ember_packed_gemm(long m, long panels, long k, const float *a, long rs, long cs, const float *b,
                                     float *c, long ldc, float *work) {
    const long depth = 256, height = 192;
    for (long k0 = 0; k0 < k; k0 += depth) {
        long kl = k - k0 < depth ? k - k0 : depth;
        int accumulate = k0 > 0;
        for (long m0 = 0; m0 < m; m0 += height) {
            long ml = m - m0 < height ? m - m0 : height;
            for (long r = 0; r < ml; r += 6) {
                long rows = ml - r < 6 ? ml - r : 6;
                const float *from = a + (m0 + r) * rs + k0 * cs;
                float *to = work + r * kl;
                for (long kk = 0; kk < kl; kk++) {
                    for (long i = 0; i < rows; i++) to[kk * 6 + i] = from[i * rs + kk * cs];
                }
            }
            float *cm = c + m0 * ldc;
            for (long p = 0; p < panels; p++) {
                const float *pk = b + (p * k + k0) * EMBER_PANEL;
                float *cp = cm + p * EMBER_PANEL;
                long r = 0;
                for (; r + 6 <= ml; r += 6) ember_panel_kernel(6, kl, work + r * kl, pk, cp + r * ldc, ldc, accumulate);
                switch (ml - r) {
                case 1: ember_panel_kernel(1, kl, work + r * kl, pk, cp + r * ldc, ldc, accumulate); break;
                case 2: ember_panel_kernel(2, kl, work + r * kl, pk, cp + r * ldc, ldc, accumulate); break;
                case 3: ember_panel_kernel(3, kl, work + r * kl, pk, cp + r * ldc, ldc, accumulate); break;
                case 4: ember_panel_kernel(4, kl, work + r * kl, pk, cp + r * ldc, ldc, accumulate); break;
                case 5: ember_panel_kernel(5, kl, work + r * kl, pk, cp + r * ldc, ldc, accumulate); break;
                default: break;
                }
            }
        }
    }
}

// Packs the `k × n` matrix whose element (i, j) is `b[i * rowStride + j * columnStride]` into
// `(n + 15) / 16` panels of `k` rows of 16 floats, the columns past `n` zero: `columnStride` 1 packs
// `b` itself (each panel row one copy), `rowStride` 1 its transpose (8 × 8 blocks transposed in
// registers, ember_transpose8).
static inline void ember_pack_panels(long k, long n, const float *b, long rowStride, long columnStride, float *out) {
    long panels = (n + EMBER_PANEL - 1) / EMBER_PANEL;
    for (long p = 0; p < panels; p++) {
        long first = p * EMBER_PANEL, width = n - first < EMBER_PANEL ? n - first : EMBER_PANEL;
        float *panel = out + p * k * EMBER_PANEL;
        long i = 0;
        if (width == EMBER_PANEL && columnStride == 1) {
            for (; i < k; i++) __builtin_memcpy(panel + i * EMBER_PANEL, b + i * rowStride + first, EMBER_PANEL * sizeof(float));
        } else if (width == EMBER_PANEL && rowStride == 1) {
            for (; i + 8 <= k; i += 8) {
                for (long half = 0; half < 2; half++) {
                    ember_float8 rows[8], columns[8];
                    for (long j = 0; j < 8; j++) __builtin_memcpy(&rows[j], b + (first + half * 8 + j) * columnStride + i, sizeof rows[j]);
                    ember_transpose8(rows, columns);
                    for (long q = 0; q < 8; q++) __builtin_memcpy(panel + (i + q) * EMBER_PANEL + half * 8, &columns[q], sizeof columns[q]);
                }
            }
        }
        for (; i < k; i++) {
            float *row = panel + i * EMBER_PANEL;
            for (long j = 0; j < EMBER_PANEL; j++) row[j] = j < width ? b[i * rowStride + (first + j) * columnStride] : 0;
        }
    }
}

#endif
