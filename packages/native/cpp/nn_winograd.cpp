// Winograd F(4x4, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray 2016): each 4x4 output tile costs 36
// multiplications per (input, output) channel pair instead of 144. Per chunk of tiles: the input tiles are
// transformed (V = B^T d B, 36 planes of tiles x channels), 36 GEMMs with the transformed filter (U = G g G^T,
// packed once per call) give M, and the inverse transform (Y = A^T M A) writes the output. The same routine computes
// conv2d's input gradient: a 3x3 convolution of dy with the filter rotated by 180 degrees, its channels swapped. The
// filter gradient sums V^T Z over the tiles (Z = A dy A^T, the adjoint of the inverse transform) and maps the 36
// sums back to the 3x3 taps with G^T . G.
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <vector>

#include "common.hpp"
#include "nn.hpp"
#include "nn_internal.hpp"
#include "thread_pool.hpp"

namespace ser::nn {

namespace {

struct Plan {
  std::size_t batch, inH, inW, I, outH, outW, O;
  long padTop, padLeft;
};

/** U[xi] (I x O, packed; 36 planes) = G g G^T for every channel pair; g(kh, kw, i, o) reads the 3x3 filter. */
std::vector<PackedB> transformFilter(std::size_t I, std::size_t O,
                                     const std::function<float(std::size_t, std::size_t, std::size_t, std::size_t)>& g) {
  std::vector<float> u(36 * I * O);
  // G = [[1/4, 0, 0], [-1/6, -1/6, -1/6], [-1/6, 1/6, -1/6], [1/24, 1/12, 1/6], [1/24, -1/12, 1/6], [0, 0, 1]]
  auto gk = [](float k0, float k1, float k2, float* r) {
    r[0] = k0 / 4.0f;
    r[1] = -(k0 + k1 + k2) / 6.0f;
    r[2] = -(k0 - k1 + k2) / 6.0f;
    r[3] = k0 / 24.0f + k1 / 12.0f + k2 / 6.0f;
    r[4] = k0 / 24.0f - k1 / 12.0f + k2 / 6.0f;
    r[5] = k2;
  };
  for (std::size_t i = 0; i < I; ++i) {
    for (std::size_t o = 0; o < O; ++o) {
      float t[6][3];  // G k
      for (std::size_t b = 0; b < 3; ++b) {
        float col[6];
        gk(g(0, b, i, o), g(1, b, i, o), g(2, b, i, o), col);
        for (std::size_t a = 0; a < 6; ++a) t[a][b] = col[a];
      }
      for (std::size_t a = 0; a < 6; ++a) {  // (G k) G^T
        float r[6];
        gk(t[a][0], t[a][1], t[a][2], r);
        for (std::size_t b = 0; b < 6; ++b) u[((a * 6 + b) * I + i) * O + o] = r[b];
      }
    }
  }
  std::vector<PackedB> packed(36);
  for (std::size_t xi = 0; xi < 36; ++xi) packed[xi].pack(I, O, u.data() + xi * I * O, O, false);
  return packed;
}

// Transforms on T = one float or an 8-float vector (8 channels at once). Their small loops are unrolled by hand
// (#pragma) so that the arrays of vectors live in registers: left as loops, GCC keeps them on the stack.

/** B^T d along one axis (B^T as in Lavin & Gray, points 0, 1, -1, 2, -2). */
template <typename T>
__attribute__((always_inline)) inline void inputRows(const T* d, T* r) {
  r[0] = 4.0f * d[0] - 5.0f * d[2] + d[4];
  r[1] = d[3] + d[4] - 4.0f * (d[1] + d[2]);
  r[2] = 4.0f * (d[1] - d[2]) - d[3] + d[4];
  r[3] = 2.0f * (d[3] - d[1]) - d[2] + d[4];
  r[4] = 2.0f * (d[1] - d[3]) - d[2] + d[4];
  r[5] = 4.0f * d[1] - 5.0f * d[3] + d[5];
}

/** A^T m along one axis; A^T = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]. */
template <typename T>
__attribute__((always_inline)) inline void outputRows(const T* m, T* r) {
  const T p12 = m[1] + m[2], m12 = m[1] - m[2], p34 = m[3] + m[4], m34 = m[3] - m[4];
  r[0] = m[0] + p12 + p34;
  r[1] = m12 + 2.0f * m34;
  r[2] = p12 + 4.0f * p34;
  r[3] = m12 + 8.0f * m34 + m[5];
}

/**
 * out[(i * 6 + j) * plane + c] = (R x R^T)[i][j] for the channels at c of one N x N tile x, where Rows applies R
 * (N values -> 6) along one axis: the input transform B^T d B (N = 6) and the output-gradient one A g A^T (N = 4).
 */
template <typename T, std::size_t N, void (*Rows)(const T*, T*)>
__attribute__((always_inline)) inline void transformTile(const float* const (&x)[N][N], std::size_t c, float* out,
                                                         std::size_t plane) {
  T r[6][N];
  #pragma GCC unroll 6
  for (std::size_t j = 0; j < N; ++j) {
    T col[N], tr[6];
    #pragma GCC unroll 6
    for (std::size_t i = 0; i < N; ++i) col[i] = load<T>(x[i][j] + c);
    Rows(col, tr);
    #pragma GCC unroll 6
    for (std::size_t i = 0; i < 6; ++i) r[i][j] = tr[i];
  }
  #pragma GCC unroll 6
  for (std::size_t i = 0; i < 6; ++i) {
    T o[6];
    Rows(r[i], o);
    #pragma GCC unroll 6
    for (std::size_t j = 0; j < 6; ++j) store(out + (i * 6 + j) * plane + c, o[j]);
  }
}

/** dst[i][j][c] = act((A^T m A)[i][j] + bias) for the channels at c of one tile. */
template <typename T>
__attribute__((always_inline)) inline void outputTile(const float* m, std::size_t plane, std::size_t c, const T& bias,
                                                      bool relu, float* const (&dst)[4][4]) {
  T s[4][6];
  #pragma GCC unroll 6
  for (std::size_t j = 0; j < 6; ++j) {
    T col[6], r[4];
    #pragma GCC unroll 6
    for (std::size_t i = 0; i < 6; ++i) col[i] = load<T>(m + (i * 6 + j) * plane + c);
    outputRows(col, r);
    #pragma GCC unroll 6
    for (std::size_t i = 0; i < 4; ++i) s[i][j] = r[i];
  }
  const T zero{};
  #pragma GCC unroll 6
  for (std::size_t i = 0; i < 4; ++i) {
    T r[4];
    outputRows(s[i], r);
    #pragma GCC unroll 6
    for (std::size_t j = 0; j < 4; ++j) {
      const T v = r[j] + bias;
      store(dst[i][j] + c, relu ? (v > zero ? v : zero) : v);
    }
  }
}

/** V[xi][t][c] (36 planes) = B^T d B of the 6x6 input tiles [t0, t0 + T) of image b (tile t: output rows 4 th..). */
SER_HOT void inputTransform(const Plan& p, const float* in, std::size_t b, std::size_t t0, std::size_t T,
                            std::size_t tilesW, float* V) {
  const std::size_t I = p.I;
  const float* img = in + b * p.inH * p.inW * I;
  const std::size_t plane = T * I;
  thread_local std::vector<float> zero;  // the cells outside the input
  if (zero.size() < I) zero.assign(I, 0.0f);
  for (std::size_t t = 0; t < T; ++t) {
    const long h0 = static_cast<long>(4 * ((t0 + t) / tilesW)) - p.padTop;
    const long w0 = static_cast<long>(4 * ((t0 + t) % tilesW)) - p.padLeft;
    const float* d[6][6];
    for (std::size_t i = 0; i < 6; ++i) {
      const long h = h0 + static_cast<long>(i);
      for (std::size_t j = 0; j < 6; ++j) {
        const long w = w0 + static_cast<long>(j);
        const bool inside = h >= 0 && h < static_cast<long>(p.inH) && w >= 0 && w < static_cast<long>(p.inW);
        d[i][j] = inside ? img + (static_cast<std::size_t>(h) * p.inW + static_cast<std::size_t>(w)) * I : zero.data();
      }
    }
    float* v = V + t * I;
    std::size_t c = 0;
    for (; c + 8 <= I; c += 8) transformTile<v8, 6, inputRows<v8>>(d, c, v, plane);
    for (; c < I; ++c) transformTile<float, 6, inputRows<float>>(d, c, v, plane);
  }
}

/** out (image b) = A^T M A for tiles [t0, t0 + T), then bias and activation; cells past the output edge dropped. */
SER_HOT void outputTransform(const Plan& p, const float* M, std::size_t b, std::size_t t0, std::size_t T,
                             std::size_t tilesW, const float* bias, Activation act, float* out) {
  const std::size_t O = p.O;
  const std::size_t plane = T * O;
  float* img = out + b * p.outH * p.outW * O;
  thread_local std::vector<float> spill, noBias;  // where the cells past the edge go; zeros
  if (spill.size() < O) {
    spill.resize(O);
    noBias.assign(O, 0.0f);
  }
  const float* bv = bias != nullptr ? bias : noBias.data();
  const bool relu = act == Activation::Relu;
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t oh = 4 * ((t0 + t) / tilesW);
    const std::size_t ow = 4 * ((t0 + t) % tilesW);
    float* dst[4][4];
    for (std::size_t i = 0; i < 4; ++i) {
      for (std::size_t j = 0; j < 4; ++j) {
        dst[i][j] = oh + i < p.outH && ow + j < p.outW ? img + ((oh + i) * p.outW + ow + j) * O : spill.data();
      }
    }
    const float* m = M + t * O;
    std::size_t c = 0;
    for (; c + 8 <= O; c += 8) outputTile<v8>(m, plane, c, load<v8>(bv + c), relu, dst);
    for (; c < O; ++c) outputTile<float>(m, plane, c, bv[c], relu, dst);
  }
}

/** A g along one axis: the 4 values of an output-gradient row to 6 (A = (A^T)^T of the forward transform). */
template <typename T>
__attribute__((always_inline)) inline void gradRows(const T* g, T* z) {
  const T p02 = g[0] + g[2], p13 = g[1] + g[3], q02 = g[0] + 4.0f * g[2], q13 = 2.0f * g[1] + 8.0f * g[3];
  z[0] = g[0];
  z[1] = p02 + p13;
  z[2] = p02 - p13;
  z[3] = q02 + q13;
  z[4] = q02 - q13;
  z[5] = g[3];
}

/** Z[xi][t][o] (36 planes) = A g A^T of the 4x4 output-gradient tiles [t0, t0 + T) of image b (0 past the edge). */
SER_HOT void gradTransform(const Plan& p, const float* dy, std::size_t b, std::size_t t0, std::size_t T,
                           std::size_t tilesW, float* Z) {
  const std::size_t O = p.O;
  const float* img = dy + b * p.outH * p.outW * O;
  const std::size_t plane = T * O;
  thread_local std::vector<float> zero;
  if (zero.size() < O) zero.assign(O, 0.0f);
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t oh = 4 * ((t0 + t) / tilesW);
    const std::size_t ow = 4 * ((t0 + t) % tilesW);
    const float* g[4][4];
    for (std::size_t i = 0; i < 4; ++i) {
      for (std::size_t j = 0; j < 4; ++j) {
        g[i][j] = oh + i < p.outH && ow + j < p.outW ? img + ((oh + i) * p.outW + ow + j) * O : zero.data();
      }
    }
    float* z = Z + t * O;
    std::size_t o = 0;
    for (; o + 8 <= O; o += 8) transformTile<v8, 4, gradRows<v8>>(g, o, z, plane);
    for (; o < O; ++o) transformTile<float, 4, gradRows<float>>(g, o, z, plane);
  }
}

/** Tiles per chunk so that its transformed blocks (36 planes each, of I and of O channels) take about `bytes`. */
std::size_t chunkTiles(std::size_t I, std::size_t O, std::size_t bytes) {
  const std::size_t T = bytes / (36 * sizeof(float)) / (I + O);
  return std::max<std::size_t>(kMR * 2, T / kMR * kMR);
}

void run(const Plan& p, const float* in, const std::vector<PackedB>& U, const float* bias, Activation act, float* out,
         std::size_t threads) {
  const std::size_t tilesW = (p.outW + 3) / 4;
  const std::size_t tiles = ((p.outH + 3) / 4) * tilesW;
  // V and M in about 256 KiB: they stay in L2 next to the packed filter (4-8% faster than 512 KiB on Zen 4).
  const std::size_t T = chunkTiles(p.I, p.O, std::size_t{256} * 1024);
  const std::size_t chunks = (tiles + T - 1) / T;
  auto item = [&](std::size_t it) {
    const std::size_t b = it / chunks;
    const std::size_t t0 = (it % chunks) * T;
    const std::size_t n = std::min(T, tiles - t0);
    thread_local std::vector<float> V, M;
    if (V.size() < 36 * T * p.I) V.resize(36 * T * p.I);
    if (M.size() < 36 * T * p.O) M.resize(36 * T * p.O);
    inputTransform(p, in, b, t0, n, tilesW, V.data());
    for (std::size_t xi = 0; xi < 36; ++xi) {
      gemmInPlaceA(n, V.data() + xi * n * p.I, p.I, false, U[xi], M.data() + xi * n * p.O, p.O, false);
    }
    outputTransform(p, M.data(), b, t0, n, tilesW, bias, act, out);
  };
  const std::size_t items = p.batch * chunks;
  if (threads <= 1 || items <= 1) {
    for (std::size_t i = 0; i < items; ++i) item(i);
  } else {
    parallelSafe(items, threads, item);
  }
}

/** G^T q along one axis: six transformed values to the 3 filter taps. */
inline void filterRows(const float* q, float* r) {
  r[0] = q[0] / 4.0f - (q[1] + q[2]) / 6.0f + (q[3] + q[4]) / 24.0f;
  r[1] = (q[2] - q[1]) / 6.0f + (q[3] - q[4]) / 12.0f;
  r[2] = (q[3] + q[4] - q[1] - q[2]) / 6.0f + q[5];
}

/** dw (3x3 x IO) = G^T q G for each of the IO channel pairs of the 36 accumulated planes m[xi][IO]. */
void filterFromTransformed(const float* m, std::size_t IO, float* dw) {
  for (std::size_t j = 0; j < IO; ++j) {
    float r[3][6];
    for (std::size_t b = 0; b < 6; ++b) {
      const float q[6] = {m[b * IO + j], m[(6 + b) * IO + j], m[(12 + b) * IO + j],
                          m[(18 + b) * IO + j], m[(24 + b) * IO + j], m[(30 + b) * IO + j]};
      float c[3];
      filterRows(q, c);
      for (std::size_t a = 0; a < 3; ++a) r[a][b] = c[a];
    }
    for (std::size_t a = 0; a < 3; ++a) {
      float c[3];
      filterRows(r[a], c);
      for (std::size_t b = 0; b < 3; ++b) dw[(a * 3 + b) * IO + j] = c[b];
    }
  }
}

bool is3x3s1(const ConvShape& s) {
  return s.filterHeight == 3 && s.filterWidth == 3 && s.strideHeight == 1 && s.strideWidth == 1 &&
         s.dilationHeight == 1 && s.dilationWidth == 1;
}

/** SER_NN_WINOGRAD=1 forces Winograd for every 3x3 stride-1 shape, =0 disables it (tests, measurements). */
bool forced(bool* on) {
  const char* force = std::getenv("SER_NN_WINOGRAD");
  if (force != nullptr) *on = force[0] == '1';
  return force != nullptr;
}

/**
 * Whether F(4x4, 3x3) beats im2col + GEMM for a convolution from I to O channels (measured on Zen 4 with batch 32
 * and 64x64 or 32x32 images: 1.6-2.3x faster from 8 inputs and 16 outputs on; with 8 outputs the input gradient,
 * 36 GEMMs of one 16-wide panel each, lost).
 */
bool worthIt(std::size_t I, std::size_t O) {
  bool on = false;
  if (forced(&on)) return on;
  return I >= 8 && O >= 16;
}

/** The same for the filter gradient, whose GEMMs run over the tiles: 1.2-2x faster from 8 inputs and 8 outputs. */
bool filterWorthIt(std::size_t I, std::size_t O) {
  bool on = false;
  if (forced(&on)) return on;
  return I >= 8 && O >= 8;
}

}  // namespace

bool winogradForward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                     std::size_t threads) {
  if (!is3x3s1(s) || !worthIt(s.inChannels, s.outChannels)) return false;
  const std::size_t I = s.inChannels, O = s.outChannels;
  const std::vector<PackedB> U = transformFilter(
      I, O, [&](std::size_t kh, std::size_t kw, std::size_t i, std::size_t o) { return w[((kh * 3 + kw) * I + i) * O + o]; });
  const Plan p{s.batch, s.inHeight, s.inWidth, I, s.outHeight, s.outWidth, O, static_cast<long>(s.padTop),
               static_cast<long>(s.padLeft)};
  run(p, x, U, bias, act, y, threads);
  return true;
}

bool winogradBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, std::size_t threads) {
  if (!is3x3s1(s) || s.padTop > 2 || s.padLeft > 2 || !worthIt(s.outChannels, s.inChannels)) return false;
  const std::size_t I = s.outChannels, O = s.inChannels;  // dy's channels in, x's channels out
  const std::size_t ci = s.inChannels, co = s.outChannels;
  const std::vector<PackedB> U = transformFilter(I, O, [&](std::size_t kh, std::size_t kw, std::size_t i, std::size_t o) {
    return w[(((2 - kh) * 3 + (2 - kw)) * ci + o) * co + i];
  });
  const Plan p{s.batch, s.outHeight, s.outWidth, I, s.inHeight, s.inWidth, O, 2 - static_cast<long>(s.padTop),
               2 - static_cast<long>(s.padLeft)};
  run(p, dy, U, nullptr, Activation::Linear, dx, threads);
  return true;
}

bool winogradBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, std::size_t threads) {
  if (!is3x3s1(s) || !filterWorthIt(s.inChannels, s.outChannels)) return false;
  const std::size_t I = s.inChannels, O = s.outChannels;
  const Plan p{s.batch, s.inHeight, s.inWidth, I, s.outHeight, s.outWidth, O, static_cast<long>(s.padTop),
               static_cast<long>(s.padLeft)};
  const std::size_t tilesW = (p.outW + 3) / 4;
  const std::size_t tiles = ((p.outH + 3) / 4) * tilesW;
  // The GEMMs run over the chunk's tiles (K = T) into I x O accumulators: with fewer than about 36 tiles, reloading
  // those dominates (measured 10% slower at 18 for 64 -> 128 channels).
  const std::size_t T = std::max<std::size_t>(chunkTiles(I, O, std::size_t{512} * 1024), 36);
  const std::size_t chunks = (tiles + T - 1) / T;
  const std::size_t items = p.batch * chunks;
  const std::size_t nt = std::max<std::size_t>(1, std::min(threads, items));
  // Per thread: acc[xi] (I x O) = sum over its tiles of V[xi]^T Z[xi]; then dW = G^T acc G per channel pair.
  std::vector<std::vector<float>> acc(nt);
  auto part = [&](std::size_t t) {
    std::vector<float>& a = acc[t];
    a.assign(36 * I * O, 0.0f);
    thread_local std::vector<float> V, Z;
    thread_local PackedB zb;
    if (V.size() < 36 * T * I) V.resize(36 * T * I);
    if (Z.size() < 36 * T * O) Z.resize(36 * T * O);
    for (std::size_t it = t; it < items; it += nt) {
      const std::size_t b = it / chunks;
      const std::size_t t0 = (it % chunks) * T;
      const std::size_t n = std::min(T, tiles - t0);
      inputTransform(p, x, b, t0, n, tilesW, V.data());
      gradTransform(p, dy, b, t0, n, tilesW, Z.data());
      for (std::size_t xi = 0; xi < 36; ++xi) {
        zb.pack(n, O, Z.data() + xi * n * O, O, false);
        gemmInPlaceA(I, V.data() + xi * n * I, I, true, zb, a.data() + xi * I * O, O, true);
      }
    }
  };
  if (nt == 1) {
    part(0);
  } else {
    parallelSafe(nt, nt, part);
  }
  for (std::size_t t = 1; t < nt; ++t) {
    float* a0 = acc[0].data();
    const float* at = acc[t].data();
    for (std::size_t j = 0; j < 36 * I * O; ++j) a0[j] += at[j];
  }
  filterFromTransformed(acc[0].data(), I * O, dw);
  return true;
}

}  // namespace ser::nn
