// Neural-network kernels for TensorFlow.js training on the CPU: our own blocked SGEMM and the NHWC convolution,
// pooling, element-wise and reduction kernels built on it (packages/training/src/native-kernels.ts registers them
// as the 'ser-native' backend). Row-major float32 everywhere; layouts as tfjs: NHWC activations, HWIO filters.
#pragma once

#include <cstddef>

namespace ser::nn {

// ---- GEMM: C (M x N) = A (M x K) * B (K x N) [+ C] ----
// A(i, k) = transA ? A[k * lda + i] : A[i * lda + k];  B(k, j) = transB ? B[j * ldb + k] : B[k * ldb + j].

/** Single-threaded blocked SGEMM (packs panels, register-blocked micro-kernel). */
void gemm(std::size_t M, std::size_t N, std::size_t K, const float* A, std::size_t lda, bool transA, const float* B,
          std::size_t ldb, bool transB, float* C, std::size_t ldc, bool accumulate);

/**
 * Batched GEMM on the thread pool: batch products C[b] = A[b or 0] * B[b or 0] (aBatch, bBatch are 1 or batch; the
 * strides are the matrix sizes), split over batch and row blocks.
 */
void batchGemm(std::size_t batch, std::size_t aBatch, std::size_t bBatch, std::size_t M, std::size_t N, std::size_t K,
               const float* A, bool transA, const float* B, bool transB, float* C, std::size_t threads);

// ---- Convolution (NHWC input, HWIO filter, NHWC output) ----
struct ConvShape {
  std::size_t batch, inHeight, inWidth, inChannels;
  std::size_t outHeight, outWidth, outChannels;
  std::size_t filterHeight, filterWidth;
  std::size_t strideHeight, strideWidth, dilationHeight, dilationWidth;
  std::size_t padTop, padLeft;
};

enum class Activation { Linear, Relu };

/** y = act(conv(x, w) + bias); bias (outChannels floats) may be null. */
void conv2d(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
            std::size_t threads);
/** dx = conv2d's gradient with respect to x (overwrites dx). */
void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, std::size_t threads);
/** dw = conv2d's gradient with respect to the filter (overwrites dw). */
void conv2dBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, std::size_t threads);

// ---- Max pooling (NHWC); window positions outside the input are ignored, ties go to the first maximum ----
struct PoolShape {
  std::size_t batch, inHeight, inWidth, channels, outHeight, outWidth;
  std::size_t filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft;
};
void maxPool(const PoolShape& s, const float* x, float* y, std::size_t threads);
/** dx = MaxPool's gradient (dy routed to each window's first maximum of x; overwrites dx). */
void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx, std::size_t threads);

// ---- Element-wise ----
enum class Binary { Add, Sub, Mul, Div };
enum class Unary { Relu, Step, Sqrt };
/**
 * a viewed as [outer, mid, inner], b as [outer, 1, inner] (broadcast over the middle axis):
 * out[o, m, i] = a[o, m, i] op b[o, i], or b[o, i] op a[o, m, i] when swap.
 */
void binary(Binary op, const float* a, const float* b, std::size_t outer, std::size_t mid, std::size_t inner, bool swap,
            float* out, std::size_t threads);
void unary(Unary op, const float* x, std::size_t n, float* out, std::size_t threads);
/** out[i] = dy[i] * (y[i] > 0): ReLU's gradient. */
/**
 * out = dy * step(y). With channelSums (C floats, n a multiple of C), also the sums of out's columns when viewed as
 * [n / C, C]: a bias gradient, computed while the rows are still in cache.
 */
void reluGrad(const float* dy, const float* y, std::size_t n, float* out, std::size_t channels, float* channelSums,
              std::size_t threads);

/** x viewed as [outer, reduce, inner]: out[o, i] = sum (or mean) over r of x[o, r, i], accumulated in double. */
void reduceSum(const float* x, std::size_t outer, std::size_t reduce, std::size_t inner, bool mean, float* out,
               std::size_t threads);

}  // namespace ser::nn
