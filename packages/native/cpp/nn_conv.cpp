// NHWC convolution through im2col + our GEMM, in chunks of output pixels small enough that the column block stays
// in L2, and max pooling. Work is split over the thread pool by (image, pixel chunk); each thread reuses its own
// scratch. Built with -ffp-contract=fast like nn_gemm.cpp.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "common.hpp"
#include "nn.hpp"
#include "nn_internal.hpp"
#include "thread_pool.hpp"

namespace ser::nn {

namespace {

std::size_t kdim(const ConvShape& s) { return s.filterHeight * s.filterWidth * s.inChannels; }

/** Output pixels per chunk: about 256 KiB of columns, a multiple of MR, at least one micro-panel. */
std::size_t chunkRows(const ConvShape& s) {
  const std::size_t K = std::max<std::size_t>(1, kdim(s));
  std::size_t rows = (std::size_t{64} * 1024) / K;
  rows = std::max<std::size_t>(kMR * 8, std::min<std::size_t>(rows, 2048));
  return rows / kMR * kMR;
}

/** col[r][(kh * fw + kw) * cin + ci] for output pixels [p0, p0 + rows) of image b. */
void im2col(const ConvShape& s, const float* x, std::size_t b, std::size_t p0, std::size_t rows, float* col) {
  const std::size_t cin = s.inChannels;
  const std::size_t K = kdim(s);
  const float* xb = x + b * s.inHeight * s.inWidth * cin;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t p = p0 + r;
    const std::size_t oh = p / s.outWidth;
    const std::size_t ow = p % s.outWidth;
    float* dst = col + r * K;
    for (std::size_t kh = 0; kh < s.filterHeight; ++kh) {
      const long ih = static_cast<long>(oh * s.strideHeight + kh * s.dilationHeight) - static_cast<long>(s.padTop);
      const bool rowIn = ih >= 0 && ih < static_cast<long>(s.inHeight);
      for (std::size_t kw = 0; kw < s.filterWidth; ++kw, dst += cin) {
        const long iw = static_cast<long>(ow * s.strideWidth + kw * s.dilationWidth) - static_cast<long>(s.padLeft);
        if (rowIn && iw >= 0 && iw < static_cast<long>(s.inWidth)) {
          const float* src = xb + (static_cast<std::size_t>(ih) * s.inWidth + static_cast<std::size_t>(iw)) * cin;
          if (cin == 1) {
            dst[0] = src[0];
          } else {
            std::memcpy(dst, src, cin * sizeof(float));
          }
        } else {
          std::fill(dst, dst + cin, 0.0f);
        }
      }
    }
  }
}

/** dx (image b) += col2im of dcol for output pixels [p0, p0 + rows). */
SER_HOT void col2im(const ConvShape& s, const float* dcol, std::size_t b, std::size_t p0, std::size_t rows,
                    float* dx) {
  const std::size_t cin = s.inChannels;
  const std::size_t K = kdim(s);
  float* xb = dx + b * s.inHeight * s.inWidth * cin;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t p = p0 + r;
    const std::size_t oh = p / s.outWidth;
    const std::size_t ow = p % s.outWidth;
    const float* src = dcol + r * K;
    for (std::size_t kh = 0; kh < s.filterHeight; ++kh) {
      const long ih = static_cast<long>(oh * s.strideHeight + kh * s.dilationHeight) - static_cast<long>(s.padTop);
      const bool rowIn = ih >= 0 && ih < static_cast<long>(s.inHeight);
      for (std::size_t kw = 0; kw < s.filterWidth; ++kw, src += cin) {
        const long iw = static_cast<long>(ow * s.strideWidth + kw * s.dilationWidth) - static_cast<long>(s.padLeft);
        if (rowIn && iw >= 0 && iw < static_cast<long>(s.inWidth)) {
          float* d = xb + (static_cast<std::size_t>(ih) * s.inWidth + static_cast<std::size_t>(iw)) * cin;
          SER_IVDEP
          for (std::size_t c = 0; c < cin; ++c) d[c] += src[c];
        }
      }
    }
  }
}

SER_HOT void biasAct(float* y, std::size_t rows, std::size_t cout, const float* bias, Activation act) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* yr = y + r * cout;
    if (bias != nullptr) {
      for (std::size_t c = 0; c < cout; ++c) yr[c] += bias[c];
    }
    if (act == Activation::Relu) {
      for (std::size_t c = 0; c < cout; ++c) yr[c] = yr[c] > 0.0f ? yr[c] : 0.0f;
    }
  }
}

void forEach(std::size_t items, std::size_t threads, const std::function<void(std::size_t)>& fn) {
  if (threads <= 1 || items <= 1) {
    for (std::size_t i = 0; i < items; ++i) fn(i);
  } else {
    parallelSafe(items, threads, fn);
  }
}

// One input channel (the first layer on a spectrogram): direct loops beat im2col + GEMM with K = fh * fw, whose
// micro-tiles would be mostly stores. Six output pixels at a time, like the GEMM's micro-kernel: their receptive
// fields are gathered, then each tap adds x * w[tap][:] to six pixels' accumulators, independent chains of FMAs.
constexpr std::size_t kPix = 6;

/** xv[t * kPix + q] = x at tap t of output pixel p + q of the image xb (0 outside the input and for q >= count). */
void gatherPixels(const ConvShape& s, const float* xb, std::size_t p, std::size_t count, float* xv) {
  const std::size_t oh = p / s.outWidth;
  const std::size_t ow = p % s.outWidth;
  const long top = static_cast<long>(oh * s.strideHeight) - static_cast<long>(s.padTop);
  const long bottom = top + static_cast<long>((s.filterHeight - 1) * s.dilationHeight);
  const long left = static_cast<long>(ow * s.strideWidth) - static_cast<long>(s.padLeft);
  const long right = left + static_cast<long>((kPix - 1) * s.strideWidth + (s.filterWidth - 1) * s.dilationWidth);
  if (count == kPix && ow + kPix <= s.outWidth && top >= 0 && bottom < static_cast<long>(s.inHeight) && left >= 0 &&
      right < static_cast<long>(s.inWidth)) {
    // Six pixels of one row with every tap inside the input (nearly all of them): no bounds checks.
    for (std::size_t kh = 0, t = 0; kh < s.filterHeight; ++kh) {
      const float* row = xb + (static_cast<std::size_t>(top) + kh * s.dilationHeight) * s.inWidth + left;
      for (std::size_t kw = 0; kw < s.filterWidth; ++kw, ++t) {
        for (std::size_t q = 0; q < kPix; ++q) xv[t * kPix + q] = row[kw * s.dilationWidth + q * s.strideWidth];
      }
    }
    return;
  }
  for (std::size_t q = 0; q < kPix; ++q) {
    const std::size_t oh = (p + q) / s.outWidth;
    const std::size_t ow = (p + q) % s.outWidth;
    for (std::size_t kh = 0, t = 0; kh < s.filterHeight; ++kh) {
      const long ih = static_cast<long>(oh * s.strideHeight + kh * s.dilationHeight) - static_cast<long>(s.padTop);
      const bool rowIn = q < count && ih >= 0 && ih < static_cast<long>(s.inHeight);
      for (std::size_t kw = 0; kw < s.filterWidth; ++kw, ++t) {
        const long iw = static_cast<long>(ow * s.strideWidth + kw * s.dilationWidth) - static_cast<long>(s.padLeft);
        xv[t * kPix + q] = rowIn && iw >= 0 && iw < static_cast<long>(s.inWidth)
                               ? xb[static_cast<std::size_t>(ih) * s.inWidth + static_cast<std::size_t>(iw)]
                               : 0.0f;
      }
    }
  }
}

/** y[q * ld + (0, 8 NV)] = sum over taps t of xv[t * kPix + q] * w[t * ld + (0, 8 NV)] for the first count pixels. */
template <std::size_t NV>
__attribute__((always_inline)) inline void pixelsDot(const float* xv, std::size_t taps, const float* w, std::size_t ld,
                                                     std::size_t count, float* y) {
  v8 acc[kPix][NV];
#pragma GCC unroll 8
  for (std::size_t q = 0; q < kPix; ++q) {
#pragma GCC unroll 4
    for (std::size_t k = 0; k < NV; ++k) acc[q][k] = v8{};
  }
  for (std::size_t t = 0; t < taps; ++t) {
    v8 wt[NV];
#pragma GCC unroll 4
    for (std::size_t k = 0; k < NV; ++k) wt[k] = load<v8>(w + t * ld + 8 * k);
#pragma GCC unroll 8
    for (std::size_t q = 0; q < kPix; ++q) {
      const float v = xv[t * kPix + q];
#pragma GCC unroll 4
      for (std::size_t k = 0; k < NV; ++k) acc[q][k] += v * wt[k];
    }
  }
#pragma GCC unroll 8
  for (std::size_t q = 0; q < kPix; ++q) {
    if (q < count) {
#pragma GCC unroll 4
      for (std::size_t k = 0; k < NV; ++k) store(y + q * ld + 8 * k, acc[q][k]);
    }
  }
}

/** Output pixels [p0, p0 + n) of image b into y. */
SER_HOT void conv1Forward(const ConvShape& s, const float* x, const float* w, std::size_t b, std::size_t p0,
                          std::size_t n, float* y) {
  const std::size_t cout = s.outChannels;
  const std::size_t taps = s.filterHeight * s.filterWidth;
  const float* xb = x + b * s.inHeight * s.inWidth;
  thread_local std::vector<float> xv;
  if (xv.size() < taps * kPix) xv.resize(taps * kPix);
  for (std::size_t r = 0; r < n; r += kPix) {
    const std::size_t count = std::min(kPix, n - r);
    gatherPixels(s, xb, p0 + r, count, xv.data());
    float* yr = y + r * cout;
    std::size_t c = 0;
    for (; c + 16 <= cout; c += 16) pixelsDot<2>(xv.data(), taps, w + c, cout, count, yr + c);
    for (; c + 8 <= cout; c += 8) pixelsDot<1>(xv.data(), taps, w + c, cout, count, yr + c);
    for (; c < cout; ++c) {
      for (std::size_t q = 0; q < count; ++q) {
        float acc = 0.0f;
        for (std::size_t t = 0; t < taps; ++t) acc += xv[t * kPix + q] * w[t * cout + c];
        yr[q * cout + c] = acc;
      }
    }
  }
}

/** d[0, 8 NV) += sum over q < count of x[q * xStep] * g[q * ld + (0, 8 NV)], in NV vector accumulators. */
template <std::size_t NV>
__attribute__((always_inline)) inline void tapSum(const float* x, std::size_t xStep, const float* g, std::size_t ld,
                                                  std::size_t count, float* d) {
  v8 acc[NV] = {};
  for (std::size_t q = 0; q < count; ++q) {
    const float v = x[q * xStep];
    for (std::size_t k = 0; k < NV; ++k) acc[k] += v * load<v8>(g + q * ld + 8 * k);
  }
  for (std::size_t k = 0; k < NV; ++k) store(d + 8 * k, load<v8>(d + 8 * k) + acc[k]);
}

/** Output columns [lo, hi) within [ow0, ow1) whose input column ow * stride + off lies inside the input. */
void validColumns(long off, std::size_t stride, std::size_t inWidth, std::size_t ow0, std::size_t ow1,
                  std::size_t* lo, std::size_t* hi) {
  const long st = static_cast<long>(stride);
  const long first = off >= 0 ? 0 : (-off + st - 1) / st;
  const long last = static_cast<long>(inWidth) - 1 - off;  // ow * stride <= last
  const long end = last < 0 ? 0 : last / st + 1;
  *lo = std::max<std::size_t>(ow0, static_cast<std::size_t>(first));
  *hi = std::min<std::size_t>(ow1, static_cast<std::size_t>(std::max(end, first)));
  if (*hi < *lo) *hi = *lo;
}

// dW[tap][:] += x(tap-shifted pixel) * dy[pixel][:] over output pixels [p0, p0 + n) of image b, one output row
// segment and tap at a time: the sums over the segment stay in registers (32 channels per pass), so dW is read and
// written once per tap and segment instead of once per pixel.
SER_HOT void conv1Filter(const ConvShape& s, const float* x, const float* dy, std::size_t b, std::size_t p0,
                         std::size_t n, float* dw) {
  const std::size_t cout = s.outChannels;
  const float* xb = x + b * s.inHeight * s.inWidth;
  for (std::size_t p = p0; p < p0 + n;) {
    const std::size_t oh = p / s.outWidth;
    const std::size_t ow0 = p % s.outWidth;
    const std::size_t ow1 = std::min(s.outWidth, ow0 + (p0 + n - p));
    p += ow1 - ow0;
    for (std::size_t kh = 0; kh < s.filterHeight; ++kh) {
      const long ih = static_cast<long>(oh * s.strideHeight + kh * s.dilationHeight) - static_cast<long>(s.padTop);
      if (ih < 0 || ih >= static_cast<long>(s.inHeight)) continue;
      const float* xrow = xb + static_cast<std::size_t>(ih) * s.inWidth;
      for (std::size_t kw = 0; kw < s.filterWidth; ++kw) {
        const long off = static_cast<long>(kw * s.dilationWidth) - static_cast<long>(s.padLeft);
        std::size_t lo = 0, hi = 0;
        validColumns(off, s.strideWidth, s.inWidth, ow0, ow1, &lo, &hi);
        if (lo == hi) continue;
        const float* xr = xrow + static_cast<std::size_t>(static_cast<long>(lo * s.strideWidth) + off);
        const float* g = dy + (b * s.outHeight * s.outWidth + oh * s.outWidth + lo) * cout;
        float* d = dw + (kh * s.filterWidth + kw) * cout;
        std::size_t c = 0;
        for (; c + 32 <= cout; c += 32) tapSum<4>(xr, s.strideWidth, g + c, cout, hi - lo, d + c);
        for (; c + 8 <= cout; c += 8) tapSum<1>(xr, s.strideWidth, g + c, cout, hi - lo, d + c);
        for (; c < cout; ++c) {
          float acc = 0.0f;
          for (std::size_t q = 0; q < hi - lo; ++q) acc += xr[q * s.strideWidth] * g[q * cout + c];
          d[c] += acc;
        }
      }
    }
  }
}

}  // namespace

void conv2d(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
            std::size_t threads) {
  const std::size_t P = s.outHeight * s.outWidth;
  const std::size_t K = kdim(s);
  const std::size_t cout = s.outChannels;
  if (s.batch == 0 || P == 0 || cout == 0) return;
  if (winogradForward(s, x, w, bias, act, y, threads)) return;
  const bool direct = s.inChannels == 1;
  PackedB pw;
  if (!direct) pw.pack(K, cout, w, cout, false);
  const std::size_t rows = chunkRows(s);
  const std::size_t chunks = (P + rows - 1) / rows;
  forEach(s.batch * chunks, threads, [&](std::size_t item) {
    const std::size_t b = item / chunks;
    const std::size_t p0 = (item % chunks) * rows;
    const std::size_t n = std::min(rows, P - p0);
    float* out = y + (b * P + p0) * cout;
    if (direct) {
      conv1Forward(s, x, w, b, p0, n, out);
    } else {
      thread_local std::vector<float> col;
      if (col.size() < rows * K) col.resize(rows * K);
      im2col(s, x, b, p0, n, col.data());
      gemmPacked(n, col.data(), K, false, pw, out, cout, false);
    }
    if (bias != nullptr || act != Activation::Linear) biasAct(out, n, cout, bias, act);
  });
}

void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, std::size_t threads) {
  const std::size_t P = s.outHeight * s.outWidth;
  const std::size_t K = kdim(s);
  const std::size_t cout = s.outChannels;
  const std::size_t inSize = s.inHeight * s.inWidth * s.inChannels;
  if (winogradBackpropInput(s, dy, w, dx, threads)) return;
  if (s.batch == 0 || P == 0 || K == 0) {
    std::fill(dx, dx + s.batch * inSize, 0.0f);
    return;
  }
  // dcol (P x K) = dy (P x cout) * W^T (cout x K).
  PackedB pwt;
  pwt.pack(cout, K, w, cout, true);
  const std::size_t rows = chunkRows(s);
  // One image per item: chunks of one image scatter into overlapping input rows.
  forEach(s.batch, threads, [&](std::size_t b) {
    std::fill(dx + b * inSize, dx + (b + 1) * inSize, 0.0f);
    thread_local std::vector<float> dcol;
    if (dcol.size() < rows * K) dcol.resize(rows * K);
    for (std::size_t p0 = 0; p0 < P; p0 += rows) {
      const std::size_t n = std::min(rows, P - p0);
      gemmPacked(n, dy + (b * P + p0) * cout, cout, false, pwt, dcol.data(), K, false);
      col2im(s, dcol.data(), b, p0, n, dx);
    }
  });
}

void conv2dBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, std::size_t threads) {
  const std::size_t P = s.outHeight * s.outWidth;
  const std::size_t K = kdim(s);
  const std::size_t cout = s.outChannels;
  if (winogradBackpropFilter(s, x, dy, dw, threads)) return;
  std::fill(dw, dw + K * cout, 0.0f);
  if (s.batch == 0 || P == 0 || K == 0 || cout == 0) return;
  const std::size_t rows = std::max<std::size_t>(chunkRows(s), 256);
  const std::size_t chunks = (P + rows - 1) / rows;
  const std::size_t items = s.batch * chunks;
  const std::size_t nt = std::max<std::size_t>(1, std::min(threads, items));
  // Each thread sums its share of (image, chunk) products into its own dW; the partials are added at the end.
  std::vector<std::vector<float>> partial(nt);
  forEach(nt, nt, [&](std::size_t t) {
    std::vector<float>& acc = partial[t];
    acc.assign(K * cout, 0.0f);
    thread_local std::vector<float> col;
    if (s.inChannels != 1 && col.size() < rows * K) col.resize(rows * K);
    for (std::size_t item = t; item < items; item += nt) {
      const std::size_t b = item / chunks;
      const std::size_t p0 = (item % chunks) * rows;
      const std::size_t n = std::min(rows, P - p0);
      if (s.inChannels == 1) {
        conv1Filter(s, x, dy, b, p0, n, acc.data());
        continue;
      }
      im2col(s, x, b, p0, n, col.data());
      // dW (K x cout) += col^T (K x n) * dy (n x cout)
      gemm(K, cout, n, col.data(), K, true, dy + (b * P + p0) * cout, cout, false, acc.data(), cout, true);
    }
  });
  for (std::size_t t = 0; t < nt; ++t) {
    const float* a = partial[t].data();
    for (std::size_t i = 0; i < K * cout; ++i) dw[i] += a[i];
  }
}

// ---- pooling ----

namespace {

struct Window {
  std::size_t h0, h1, w0, w1;  // valid input rows [h0, h1), columns [w0, w1)
};

Window window(const PoolShape& s, std::size_t oh, std::size_t ow) {
  const long hc = static_cast<long>(oh * s.strideHeight) - static_cast<long>(s.padTop);
  const long wc = static_cast<long>(ow * s.strideWidth) - static_cast<long>(s.padLeft);
  const long h1 = std::min<long>(static_cast<long>(s.inHeight), hc + static_cast<long>(s.filterHeight));
  const long w1 = std::min<long>(static_cast<long>(s.inWidth), wc + static_cast<long>(s.filterWidth));
  Window win;
  win.h0 = static_cast<std::size_t>(std::max<long>(0, hc));
  win.w0 = static_cast<std::size_t>(std::max<long>(0, wc));
  win.h1 = static_cast<std::size_t>(std::max<long>(static_cast<long>(win.h0), h1));
  win.w1 = static_cast<std::size_t>(std::max<long>(static_cast<long>(win.w0), w1));
  return win;
}

SER_HOT void maxPoolImage(const PoolShape& s, const float* x, float* y) {
  const std::size_t C = s.channels;
  for (std::size_t oh = 0; oh < s.outHeight; ++oh) {
    for (std::size_t ow = 0; ow < s.outWidth; ++ow) {
      const Window win = window(s, oh, ow);
      float* out = y + (oh * s.outWidth + ow) * C;
      std::fill(out, out + C, -std::numeric_limits<float>::infinity());
      for (std::size_t h = win.h0; h < win.h1; ++h) {
        for (std::size_t w = win.w0; w < win.w1; ++w) {
          const float* in = x + (h * s.inWidth + w) * C;
          SER_IVDEP
          for (std::size_t c = 0; c < C; ++c) out[c] = in[c] > out[c] ? in[c] : out[c];
        }
      }
    }
  }
}

// Per output pixel: the first maximum's window position per channel (branch-free selects, vectorised over the
// channels), then dy added at that position.
SER_HOT void maxPoolGradImage(const PoolShape& s, const float* x, const float* dy, float* dx, float* best,
                              std::int32_t* where) {
  const std::size_t C = s.channels;
  for (std::size_t oh = 0; oh < s.outHeight; ++oh) {
    for (std::size_t ow = 0; ow < s.outWidth; ++ow) {
      const Window win = window(s, oh, ow);
      std::fill(best, best + C, -std::numeric_limits<float>::infinity());
      std::fill(where, where + C, -1);
      std::int32_t k = 0;
      for (std::size_t h = win.h0; h < win.h1; ++h) {
        for (std::size_t w = win.w0; w < win.w1; ++w, ++k) {
          const float* in = x + (h * s.inWidth + w) * C;
          for (std::size_t c = 0; c < C; ++c) {
            const bool gt = in[c] > best[c];
            best[c] = gt ? in[c] : best[c];
            where[c] = gt ? k : where[c];
          }
        }
      }
      const float* g = dy + (oh * s.outWidth + ow) * C;
      k = 0;
      for (std::size_t h = win.h0; h < win.h1; ++h) {
        for (std::size_t w = win.w0; w < win.w1; ++w, ++k) {
          float* d = dx + (h * s.inWidth + w) * C;
          for (std::size_t c = 0; c < C; ++c) d[c] += where[c] == k ? g[c] : 0.0f;
        }
      }
    }
  }
}

/**
 * One window of the tiled max-pool gradient for the channels at x, dx, g (one float or 8): dx at the window's first
 * maximum (the first cell whose value is greater than all before it, -inf at the start) gets g, the other cells 0.
 */
template <typename T>
__attribute__((always_inline)) inline void windowGrad(const float* x, float* dx, const std::size_t* off,
                                                      std::size_t cells, const float* g) {
  T best = T{} - std::numeric_limits<float>::infinity();
  T where = T{} - 1.0f;
  for (std::size_t k = 0; k < cells; ++k) {
    const T v = load<T>(x + off[k]);
    const auto gt = v > best;
    best = gt ? v : best;
    where = gt ? T{} + static_cast<float>(k) : where;
  }
  const T gv = load<T>(g);
  for (std::size_t k = 0; k < cells; ++k) store(dx + off[k], where == T{} + static_cast<float>(k) ? gv : T{});
}

// Non-overlapping windows without padding (stride = window, the usual 2x2 pooling): every input cell belongs to at
// most one window, so dx is written in one pass (dy at the window's first maximum, 0 elsewhere), no zero fill first.
// off holds the window cells' offsets from the window's first cell.
SER_HOT void maxPoolGradTiled(const PoolShape& s, const float* x, const float* dy, float* dx, const std::size_t* off) {
  const std::size_t C = s.channels;
  const std::size_t fh = s.filterHeight, fw = s.filterWidth;
  const std::size_t cells = fh * fw;
  const std::size_t coveredH = s.outHeight * fh, coveredW = s.outWidth * fw;
  for (std::size_t oh = 0; oh < s.outHeight; ++oh) {
    for (std::size_t ow = 0; ow < s.outWidth; ++ow) {
      const std::size_t first = (oh * fh * s.inWidth + ow * fw) * C;
      const float* g = dy + (oh * s.outWidth + ow) * C;
      std::size_t c = 0;
      for (; c + 8 <= C; c += 8) windowGrad<v8>(x + first + c, dx + first + c, off, cells, g + c);
      for (; c < C; ++c) windowGrad<float>(x + first + c, dx + first + c, off, cells, g + c);
    }
    // Columns right of the last window.
    for (std::size_t i = 0; i < fh && coveredW < s.inWidth; ++i) {
      float* d = dx + ((oh * fh + i) * s.inWidth + coveredW) * C;
      std::fill(d, d + (s.inWidth - coveredW) * C, 0.0f);
    }
  }
  // Rows below the last window.
  if (coveredH < s.inHeight) std::fill(dx + coveredH * s.inWidth * C, dx + s.inHeight * s.inWidth * C, 0.0f);
}

}  // namespace

void maxPool(const PoolShape& s, const float* x, float* y, std::size_t threads) {
  const std::size_t inSize = s.inHeight * s.inWidth * s.channels;
  const std::size_t outSize = s.outHeight * s.outWidth * s.channels;
  forEach(s.batch, threads, [&](std::size_t b) { maxPoolImage(s, x + b * inSize, y + b * outSize); });
}

void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx, std::size_t threads) {
  const std::size_t inSize = s.inHeight * s.inWidth * s.channels;
  const std::size_t outSize = s.outHeight * s.outWidth * s.channels;
  const bool tiled = s.strideHeight == s.filterHeight && s.strideWidth == s.filterWidth && s.padTop == 0 &&
                     s.padLeft == 0 && s.outHeight * s.filterHeight <= s.inHeight &&
                     s.outWidth * s.filterWidth <= s.inWidth;
  std::vector<std::size_t> off;
  if (tiled) {
    for (std::size_t i = 0; i < s.filterHeight; ++i) {
      for (std::size_t j = 0; j < s.filterWidth; ++j) off.push_back((i * s.inWidth + j) * s.channels);
    }
  }
  forEach(s.batch, threads, [&](std::size_t b) {
    if (tiled) {
      maxPoolGradTiled(s, x + b * inSize, dy + b * outSize, dx + b * inSize, off.data());
      return;
    }
    thread_local std::vector<float> best;
    thread_local std::vector<std::int32_t> where;
    if (best.size() < s.channels) {
      best.resize(s.channels);
      where.resize(s.channels);
    }
    // Zeroed image by image, just before use: the image's dx is then still in cache for the scatter.
    std::fill(dx + b * inSize, dx + (b + 1) * inSize, 0.0f);
    maxPoolGradImage(s, x + b * inSize, dy + b * outSize, dx + b * inSize, best.data(), where.data());
  });
}

// ---- element-wise and reductions (memory-bound: split into large contiguous ranges) ----

namespace {

constexpr std::size_t kGrain = std::size_t{1} << 16;

void ranges(std::size_t n, std::size_t threads, const std::function<void(std::size_t, std::size_t)>& fn) {
  const std::size_t parts = std::max<std::size_t>(1, std::min(threads, (n + kGrain - 1) / kGrain));
  if (parts == 1) {
    fn(0, n);
    return;
  }
  const std::size_t per = (n + parts - 1) / parts;
  parallelSafe(parts, parts, [&](std::size_t i) {
    const std::size_t a = i * per;
    fn(a, std::min(n, a + per));
  });
}

template <Binary op, bool swap>
inline void binaryRow(const float* a, const float* b, float* o, std::size_t n) {
  SER_IVDEP
  for (std::size_t q = 0; q < n; ++q) {
    const float x = swap ? b[q] : a[q];
    const float y = swap ? a[q] : b[q];
    o[q] = op == Binary::Add ? x + y : op == Binary::Sub ? x - y : op == Binary::Mul ? x * y : x / y;
  }
}

template <Binary op, bool swap>
inline void binaryScalar(const float* a, float s, float* o, std::size_t n) {
  SER_IVDEP
  for (std::size_t q = 0; q < n; ++q) {
    const float x = swap ? s : a[q];
    const float y = swap ? a[q] : s;
    o[q] = op == Binary::Add ? x + y : op == Binary::Sub ? x - y : op == Binary::Mul ? x * y : x / y;
  }
}

// Rows [r0, r1) of the [outer * mid] x inner view.
template <Binary op, bool swap>
SER_HOT void binaryRows(const float* a, const float* b, std::size_t mid, std::size_t inner, float* out, std::size_t r0,
                        std::size_t r1) {
  if (inner == 1) {
    // b is one value per outer index: scalar runs along mid.
    std::size_t r = r0;
    while (r < r1) {
      const std::size_t o = r / mid;
      const std::size_t end = std::min(r1, (o + 1) * mid);
      binaryScalar<op, swap>(a + r, b[o], out + r, end - r);
      r = end;
    }
    return;
  }
  for (std::size_t r = r0; r < r1;) {
    const std::size_t o = r / mid;  // once per run of rows that share b's row
    const std::size_t end = std::min(r1, (o + 1) * mid);
    const float* bo = b + o * inner;
    for (; r < end; ++r) binaryRow<op, swap>(a + r * inner, bo, out + r * inner, inner);
  }
}

template <Binary op>
void binaryDispatch(const float* a, const float* b, std::size_t outer, std::size_t mid, std::size_t inner, bool swap,
                    float* out, std::size_t threads) {
  const std::size_t rows = outer * mid;
  const std::size_t rowGrain = std::max<std::size_t>(1, kGrain / std::max<std::size_t>(1, inner));
  const std::size_t parts = std::max<std::size_t>(1, std::min(threads, (rows + rowGrain - 1) / rowGrain));
  auto fn = [&](std::size_t r0, std::size_t r1) {
    if (swap) {
      binaryRows<op, true>(a, b, mid, inner, out, r0, r1);
    } else {
      binaryRows<op, false>(a, b, mid, inner, out, r0, r1);
    }
  };
  if (parts == 1) {
    fn(0, rows);
    return;
  }
  const std::size_t per = (rows + parts - 1) / parts;
  parallelSafe(parts, parts, [&](std::size_t i) { fn(std::min(rows, i * per), std::min(rows, i * per + per)); });
}

SER_HOT void unaryRange(Unary op, const float* x, float* out, std::size_t i0, std::size_t i1) {
  if (op == Unary::Relu) {
    for (std::size_t i = i0; i < i1; ++i) out[i] = x[i] < 0.0f ? 0.0f : x[i];  // NaN passes through, as tfjs
  } else if (op == Unary::Step) {
    for (std::size_t i = i0; i < i1; ++i) out[i] = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : 0.0f);
  } else {
    // Correctly rounded (IEEE), as JavaScript's Math.sqrt rounded to float32 is; NaN below 0, as tfjs.
    SER_IVDEP
    for (std::size_t i = i0; i < i1; ++i) out[i] = std::sqrt(x[i]);
  }
}

// dy * step(y), as tfjs's Relu gradient (mul of dy and Step of the input): y > 0 gives 1, NaN gives NaN, else 0. One
// pass over three arrays instead of Step's two and Multiply's three; written as a multiply by a selected factor so
// it vectorises.
SER_HOT void reluGradRange(const float* dy, const float* y, float* out, std::size_t i0, std::size_t i1) {
  SER_IVDEP
  for (std::size_t i = i0; i < i1; ++i) {
    const float v = y[i];
    const float s = v > 0.0f ? 1.0f : (v != v ? v : 0.0f);
    out[i] = dy[i] * s;
  }
}

// Rows summed in float (vector adds), blocks of them added in double: a bias gradient sums ~500k rows, where
// double accumulators per element made the reduction compute-bound at half the memory bandwidth.
constexpr std::size_t kSumBlock = 64;
SER_HOT void sumRows(const float* x, std::size_t rows, std::size_t inner, float* out) {
  std::copy(x, x + inner, out);
  for (std::size_t r = 1; r < rows; ++r) {
    const float* xr = x + r * inner;
    SER_IVDEP
    for (std::size_t i = 0; i < inner; ++i) out[i] += xr[i];
  }
}

}  // namespace

void binary(Binary op, const float* a, const float* b, std::size_t outer, std::size_t mid, std::size_t inner, bool swap,
            float* out, std::size_t threads) {
  if (outer == 0 || mid == 0 || inner == 0) return;
  switch (op) {
    case Binary::Add:
      binaryDispatch<Binary::Add>(a, b, outer, mid, inner, swap, out, threads);
      break;
    case Binary::Sub:
      binaryDispatch<Binary::Sub>(a, b, outer, mid, inner, swap, out, threads);
      break;
    case Binary::Mul:
      binaryDispatch<Binary::Mul>(a, b, outer, mid, inner, swap, out, threads);
      break;
    case Binary::Div:
      binaryDispatch<Binary::Div>(a, b, outer, mid, inner, swap, out, threads);
      break;
  }
}

void unary(Unary op, const float* x, std::size_t n, float* out, std::size_t threads) {
  ranges(n, threads, [&](std::size_t i0, std::size_t i1) { unaryRange(op, x, out, i0, i1); });
}

void reluGrad(const float* dy, const float* y, std::size_t n, float* out, std::size_t channels, float* channelSums,
              std::size_t threads) {
  if (channelSums == nullptr || channels == 0) {
    ranges(n, threads, [&](std::size_t i0, std::size_t i1) { reluGradRange(dy, y, out, i0, i1); });
    return;
  }
  const std::size_t rows = n / channels;
  const std::size_t parts = std::max<std::size_t>(1, std::min({threads, rows, (n + kGrain - 1) / kGrain}));
  std::vector<std::vector<double>> acc(parts, std::vector<double>(channels, 0.0));
  const std::size_t per = (rows + parts - 1) / parts;
  auto part = [&](std::size_t t) {
    std::vector<float> block(channels);
    double* a = acc[t].data();
    const std::size_t r1 = std::min(rows, (t + 1) * per);
    for (std::size_t r = std::min(rows, t * per); r < r1; r += kSumBlock) {
      const std::size_t r2 = std::min(r1, r + kSumBlock);
      reluGradRange(dy, y, out, r * channels, r2 * channels);
      sumRows(out + r * channels, r2 - r, channels, block.data());  // rows just written: still in L1
      for (std::size_t c = 0; c < channels; ++c) a[c] += block[c];
    }
  };
  if (parts == 1) {
    part(0);
  } else {
    parallelSafe(parts, parts, part);
  }
  for (std::size_t c = 0; c < channels; ++c) {
    double s = 0;
    for (std::size_t t = 0; t < parts; ++t) s += acc[t][c];
    channelSums[c] = static_cast<float>(s);
  }
}

void reduceSum(const float* x, std::size_t outer, std::size_t reduce, std::size_t inner, bool mean, float* out,
               std::size_t threads) {
  const double scale = mean && reduce > 0 ? 1.0 / static_cast<double>(reduce) : 1.0;
  if (inner == 1) {
    // Contiguous rows: one double sum per row.
    auto rowsFn = [&](std::size_t o0, std::size_t o1) {
      for (std::size_t o = o0; o < o1; ++o) {
        const float* r = x + o * reduce;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        std::size_t i = 0;
        for (; i + 4 <= reduce; i += 4) {
          s0 += r[i];
          s1 += r[i + 1];
          s2 += r[i + 2];
          s3 += r[i + 3];
        }
        for (; i < reduce; ++i) s0 += r[i];
        const double s = (s0 + s1) + (s2 + s3);
        out[o] = static_cast<float>(mean ? s / static_cast<double>(reduce) : s);
      }
    };
    if (outer * reduce < kGrain || threads <= 1 || outer < 2) {
      rowsFn(0, outer);
    } else {
      const std::size_t parts = std::min(threads, outer);
      const std::size_t per = (outer + parts - 1) / parts;
      parallelSafe(parts, parts, [&](std::size_t i) {
        rowsFn(i * per, std::min(outer, i * per + per));
      });
    }
    return;
  }
  // Strided: double accumulators over `inner`-wide rows. Many outputs: threads split (outer, column block);
  // few outputs (a bias gradient: outer 1, inner = channels): threads split the reduce axis and add partials.
  constexpr std::size_t kCols = 1024;
  const std::size_t colBlocks = (inner + kCols - 1) / kCols;
  const std::size_t items = outer * colBlocks;
  const bool big = outer * reduce * inner >= kGrain && threads > 1;
  if (items >= threads || !big) {
    auto item = [&](std::size_t it) {
      const std::size_t o = it / colBlocks;
      const std::size_t c0 = (it % colBlocks) * kCols;
      const std::size_t nc = std::min(kCols, inner - c0);
      double a[kCols];
      std::fill(a, a + nc, 0.0);
      for (std::size_t r = 0; r < reduce; ++r) {
        const float* xr = x + (o * reduce + r) * inner + c0;
        for (std::size_t i = 0; i < nc; ++i) a[i] += xr[i];
      }
      float* dst = out + o * inner + c0;
      for (std::size_t i = 0; i < nc; ++i) dst[i] = static_cast<float>(a[i] * scale);
    };
    if (big) {
      parallelSafe(items, threads, item);
    } else {
      for (std::size_t it = 0; it < items; ++it) item(it);
    }
    return;
  }
  const std::size_t parts = threads;
  std::vector<std::vector<double>> acc(parts, std::vector<double>(outer * inner, 0.0));
  const std::size_t per = (reduce + parts - 1) / parts;
  parallelSafe(parts, parts, [&](std::size_t t) {
    std::vector<double>& a = acc[t];
    const std::size_t r0 = std::min(reduce, t * per);
    const std::size_t r1 = std::min(reduce, r0 + per);
    std::vector<float> block(inner);
    for (std::size_t o = 0; o < outer; ++o) {
      double* ao = a.data() + o * inner;
      for (std::size_t r = r0; r < r1; r += kSumBlock) {
        sumRows(x + (o * reduce + r) * inner, std::min(kSumBlock, r1 - r), inner, block.data());
        for (std::size_t i = 0; i < inner; ++i) ao[i] += block[i];
      }
    }
  });
  for (std::size_t j = 0; j < outer * inner; ++j) {
    double s = 0;
    for (std::size_t t = 0; t < parts; ++t) s += acc[t][j];
    out[j] = static_cast<float>(s * scale);
  }
}

}  // namespace ser::nn
