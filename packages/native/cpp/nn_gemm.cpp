// Our SGEMM: the classic Goto/BLIS structure. B is packed into KC x NR panels, A into MC x KC blocks of MR-row
// panels, and a 6 x 16 register-blocked micro-kernel (12 accumulators of 8 floats: GCC vector extensions that the
// x86-64-v3 clone turns into AVX2 FMAs) sweeps them. This file is built with -ffp-contract=fast (see CMakeLists):
// float results may differ from a naive loop in the last bits, as with any BLAS.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common.hpp"
#include "nn.hpp"
#include "nn_internal.hpp"
#include "thread_pool.hpp"

namespace ser::nn {

namespace {

inline v8 load8(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, const v8& v) { std::memcpy(p, &v, sizeof v); }

// C[0..MR)[0..NR) (+)= sum_k A(r, k) * b[k*NR + c] with A(r, k) = a[r * rs + k * ks]: a packed panel (rs 1, ks MR)
// or rows read in place (rs lda, ks 1).
__attribute__((always_inline)) inline void microKernel(std::size_t kc, const float* __restrict a, std::size_t rs,
                                                       std::size_t ks, const float* __restrict b,
                                                       float* __restrict c, std::size_t ldc, bool accumulate) {
  v8 c00 = {}, c01 = {}, c10 = {}, c11 = {}, c20 = {}, c21 = {}, c30 = {}, c31 = {}, c40 = {}, c41 = {}, c50 = {},
     c51 = {};
  for (std::size_t k = 0; k < kc; ++k) {
    const v8 b0 = load8(b);
    const v8 b1 = load8(b + 8);
    float a0 = a[0];
    c00 += a0 * b0;
    c01 += a0 * b1;
    a0 = a[1 * rs];
    c10 += a0 * b0;
    c11 += a0 * b1;
    a0 = a[2 * rs];
    c20 += a0 * b0;
    c21 += a0 * b1;
    a0 = a[3 * rs];
    c30 += a0 * b0;
    c31 += a0 * b1;
    a0 = a[4 * rs];
    c40 += a0 * b0;
    c41 += a0 * b1;
    a0 = a[5 * rs];
    c50 += a0 * b0;
    c51 += a0 * b1;
    a += ks;
    b += kNR;
  }
  if (accumulate) {
    c00 += load8(c + 0 * ldc);
    c01 += load8(c + 0 * ldc + 8);
    c10 += load8(c + 1 * ldc);
    c11 += load8(c + 1 * ldc + 8);
    c20 += load8(c + 2 * ldc);
    c21 += load8(c + 2 * ldc + 8);
    c30 += load8(c + 3 * ldc);
    c31 += load8(c + 3 * ldc + 8);
    c40 += load8(c + 4 * ldc);
    c41 += load8(c + 4 * ldc + 8);
    c50 += load8(c + 5 * ldc);
    c51 += load8(c + 5 * ldc + 8);
  }
  store8(c + 0 * ldc, c00);
  store8(c + 0 * ldc + 8, c01);
  store8(c + 1 * ldc, c10);
  store8(c + 1 * ldc + 8, c11);
  store8(c + 2 * ldc, c20);
  store8(c + 2 * ldc + 8, c21);
  store8(c + 3 * ldc, c30);
  store8(c + 3 * ldc + 8, c31);
  store8(c + 4 * ldc, c40);
  store8(c + 4 * ldc + 8, c41);
  store8(c + 5 * ldc, c50);
  store8(c + 5 * ldc + 8, c51);
}

// The macro-kernel: an A block (mc x kc) times packed B (kc x nc, NR panels) into C. The panel of A's rows
// [i, i + MR) starts at pa + i * rowOff and is read as microKernel's rs, ks say: packed MR-row panels (rowOff kc,
// rs 1, ks MR), or A in place for full panels only (rowOff = rs = lda, ks 1; transposed: rowOff = rs = 1, ks lda).
SER_HOT void macroKernel(std::size_t mc, std::size_t nc, std::size_t kc, const float* __restrict pa, std::size_t rowOff,
                         std::size_t rs, std::size_t ks, const float* __restrict pb, float* C, std::size_t ldc,
                         bool accumulate) {
  alignas(64) float tile[kMR * kNR];
  for (std::size_t j = 0; j < nc; j += kNR) {
    const std::size_t nr = std::min(kNR, nc - j);
    const float* bp = pb + j * kc;
    for (std::size_t i = 0; i < mc; i += kMR) {
      const std::size_t mr = std::min(kMR, mc - i);
      const float* ap = pa + i * rowOff;
      float* c = C + i * ldc + j;
      if (mr == kMR && nr == kNR) {
        microKernel(kc, ap, rs, ks, bp, c, ldc, accumulate);
      } else {
        microKernel(kc, ap, rs, ks, bp, tile, kNR, false);
        for (std::size_t r = 0; r < mr; ++r) {
          float* cr = c + r * ldc;
          const float* tr = tile + r * kNR;
          if (accumulate) {
            for (std::size_t q = 0; q < nr; ++q) cr[q] += tr[q];
          } else {
            for (std::size_t q = 0; q < nr; ++q) cr[q] = tr[q];
          }
        }
      }
    }
  }
}

}  // namespace

void packA(std::size_t mc, std::size_t kc, const float* A, std::size_t lda, bool transA, float* dst) {
  for (std::size_t i = 0; i < mc; i += kMR) {
    const std::size_t mr = std::min(kMR, mc - i);
    float* d = dst + i * kc;
    if (transA) {
      // A(i, k) = A[k * lda + i]: MR contiguous floats per k.
      for (std::size_t k = 0; k < kc; ++k) {
        const float* s = A + k * lda + i;
        float* dk = d + k * kMR;
        std::size_t r = 0;
        for (; r < mr; ++r) dk[r] = s[r];
        for (; r < kMR; ++r) dk[r] = 0.0f;
      }
    } else {
      for (std::size_t r = 0; r < mr; ++r) {
        const float* s = A + (i + r) * lda;
        for (std::size_t k = 0; k < kc; ++k) d[k * kMR + r] = s[k];
      }
      for (std::size_t r = mr; r < kMR; ++r) {
        for (std::size_t k = 0; k < kc; ++k) d[k * kMR + r] = 0.0f;
      }
    }
  }
}

void packB(std::size_t kc, std::size_t nc, const float* B, std::size_t ldb, bool transB, float* dst) {
  for (std::size_t j = 0; j < nc; j += kNR) {
    const std::size_t nr = std::min(kNR, nc - j);
    float* d = dst + j * kc;
    if (transB) {
      // B(k, j) = B[j * ldb + k]
      for (std::size_t q = 0; q < nr; ++q) {
        const float* s = B + (j + q) * ldb;
        for (std::size_t k = 0; k < kc; ++k) d[k * kNR + q] = s[k];
      }
      for (std::size_t q = nr; q < kNR; ++q) {
        for (std::size_t k = 0; k < kc; ++k) d[k * kNR + q] = 0.0f;
      }
    } else {
      for (std::size_t k = 0; k < kc; ++k) {
        const float* s = B + k * ldb + j;
        float* dk = d + k * kNR;
        std::size_t q = 0;
        for (; q < nr; ++q) dk[q] = s[q];
        for (; q < kNR; ++q) dk[q] = 0.0f;
      }
    }
  }
}

void PackedB::pack(std::size_t K, std::size_t N, const float* B, std::size_t ldb, bool transB) {
  k = K;
  n = N;
  nPad = (N + kNR - 1) / kNR * kNR;
  data.resize(std::max<std::size_t>(1, K * nPad));
  for (std::size_t p = 0; p < K; p += kKC) {
    const std::size_t kc = std::min(kKC, K - p);
    const float* src = transB ? B + p : B + p * ldb;
    packB(kc, N, src, ldb, transB, data.data() + p * nPad);
  }
}

void gemmPacked(std::size_t M, const float* A, std::size_t lda, bool transA, const PackedB& B, float* C,
                std::size_t ldc, bool accumulate) {
  if (M == 0 || B.n == 0) return;
  if (B.k == 0) {
    if (!accumulate) {
      for (std::size_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + B.n, 0.0f);
    }
    return;
  }
  thread_local std::vector<float> apack;
  const std::size_t need = ((kMC + kMR - 1) / kMR * kMR) * kKC;
  if (apack.size() < need) apack.resize(need);
  for (std::size_t p = 0; p < B.k; p += kKC) {
    const std::size_t kc = std::min(kKC, B.k - p);
    const float* pb = B.data.data() + p * B.nPad;
    for (std::size_t i = 0; i < M; i += kMC) {
      const std::size_t mc = std::min(kMC, M - i);
      const float* src = transA ? A + p * lda + i : A + i * lda + p;
      packA(mc, kc, src, lda, transA, apack.data());
      macroKernel(mc, B.n, kc, apack.data(), kc, 1, kMR, pb, C + i * ldc, ldc, accumulate || p > 0);
    }
  }
}

void gemmInPlaceA(std::size_t M, const float* A, std::size_t lda, bool transA, const PackedB& B, float* C,
                  std::size_t ldc, bool accumulate) {
  const std::size_t full = B.k == 0 ? 0 : M / kMR * kMR;
  const std::size_t step = transA ? 1 : lda;  // from one row of A to the next
  for (std::size_t p = 0; p < B.k; p += kKC) {
    const std::size_t kc = std::min(kKC, B.k - p);
    const float* a = transA ? A + p * lda : A + p;
    macroKernel(full, B.n, kc, a, step, step, transA ? lda : 1, B.data.data() + p * B.nPad, C, ldc,
                accumulate || p > 0);
  }
  // A ragged last panel would read rows past A: the packing path pads it with zeros.
  if (full < M) {
    gemmPacked(M - full, transA ? A + full : A + full * lda, lda, transA, B, C + full * ldc, ldc, accumulate);
  }
}

void gemm(std::size_t M, std::size_t N, std::size_t K, const float* A, std::size_t lda, bool transA, const float* B,
          std::size_t ldb, bool transB, float* C, std::size_t ldc, bool accumulate) {
  if (M == 0 || N == 0) return;
  thread_local PackedB pb;
  for (std::size_t j = 0; j < N; j += kNC) {
    const std::size_t nc = std::min(kNC, N - j);
    const float* src = transB ? B + j * ldb : B + j;
    pb.pack(K, nc, src, ldb, transB);
    gemmPacked(M, A, lda, transA, pb, C + j, ldc, accumulate);
  }
}

void batchGemm(std::size_t batch, std::size_t aBatch, std::size_t bBatch, std::size_t M, std::size_t N, std::size_t K,
               const float* A, bool transA, const float* B, bool transB, float* C, std::size_t threads) {
  if (batch == 0 || M == 0 || N == 0) return;
  const std::size_t lda = transA ? M : K;
  const std::size_t ldb = transB ? K : N;
  // Row blocks so that small batches still use every thread; tiny products run inline.
  const double flops = 2.0 * static_cast<double>(batch) * static_cast<double>(M) * static_cast<double>(N) *
                       static_cast<double>(K);
  std::size_t rowBlocks = 1;
  if (threads > 1 && batch < threads * 2) rowBlocks = std::min<std::size_t>((M + kMR - 1) / kMR, threads * 2);
  const std::size_t rowsPer = ((M + rowBlocks - 1) / rowBlocks + kMR - 1) / kMR * kMR;
  rowBlocks = (M + rowsPer - 1) / rowsPer;
  const std::size_t items = batch * rowBlocks;
  auto run = [&](std::size_t item) {
    const std::size_t b = item / rowBlocks;
    const std::size_t r0 = (item % rowBlocks) * rowsPer;
    const std::size_t rows = std::min(rowsPer, M - r0);
    const float* a = A + (aBatch == 1 ? 0 : b) * M * K;
    const float* bb = B + (bBatch == 1 ? 0 : b) * K * N;
    const float* aRows = transA ? a + r0 : a + r0 * lda;
    gemm(rows, N, K, aRows, lda, transA, bb, ldb, transB, C + b * M * N + r0 * N, N, false);
  };
  if (threads <= 1 || items == 1 || flops < 2e6) {
    for (std::size_t i = 0; i < items; ++i) run(i);
  } else {
    parallelSafe(items, threads, run);
  }
}

}  // namespace ser::nn
