// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray 2016): each 2x2 output tile costs 16
// multiplications per (input, output) channel pair instead of 36. Per chunk of tiles: the input tiles are
// transformed (V = B^T d B, 16 planes of tiles x channels), 16 GEMMs with the transformed filter (U = G g G^T,
// packed once per call) give M, and the inverse transform (Y = A^T M A) writes the output. The same routine computes
// conv2d's input gradient: a 3x3 convolution of dy with the filter rotated by 180 degrees, its channels swapped.
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

/** U[xi] (I x O, packed) = G g G^T for every channel pair; g(kh, kw, i, o) reads the 3x3 filter. */
std::vector<PackedB> transformFilter(std::size_t I, std::size_t O,
                                     const std::function<float(std::size_t, std::size_t, std::size_t, std::size_t)>& g) {
  std::vector<float> u(16 * I * O);
  for (std::size_t i = 0; i < I; ++i) {
    for (std::size_t o = 0; o < O; ++o) {
      float k[3][3];
      for (std::size_t a = 0; a < 3; ++a)
        for (std::size_t b = 0; b < 3; ++b) k[a][b] = g(a, b, i, o);
      float t[4][3];  // G k
      for (std::size_t b = 0; b < 3; ++b) {
        t[0][b] = k[0][b];
        t[1][b] = 0.5f * (k[0][b] + k[1][b] + k[2][b]);
        t[2][b] = 0.5f * (k[0][b] - k[1][b] + k[2][b]);
        t[3][b] = k[2][b];
      }
      for (std::size_t a = 0; a < 4; ++a) {  // (G k) G^T
        const float r[4] = {t[a][0], 0.5f * (t[a][0] + t[a][1] + t[a][2]), 0.5f * (t[a][0] - t[a][1] + t[a][2]), t[a][2]};
        for (std::size_t b = 0; b < 4; ++b) u[((a * 4 + b) * I + i) * O + o] = r[b];
      }
    }
  }
  std::vector<PackedB> packed(16);
  for (std::size_t xi = 0; xi < 16; ++xi) packed[xi].pack(I, O, u.data() + xi * I * O, O, false);
  return packed;
}

/** V[xi][t][c] for tiles [t0, t0 + T) of image b (tile t covers output rows 2 th, 2 th + 1 and columns likewise). */
SER_HOT void inputTransform(const Plan& p, const float* in, std::size_t b, std::size_t t0, std::size_t T,
                            std::size_t tilesW, float* V) {
  const std::size_t I = p.I;
  const float* img = in + b * p.inH * p.inW * I;
  const std::size_t plane = T * I;
  alignas(64) float zero[64] = {};
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t th = (t0 + t) / tilesW;
    const std::size_t tw = (t0 + t) % tilesW;
    const long h0 = static_cast<long>(2 * th) - p.padTop;
    const long w0 = static_cast<long>(2 * tw) - p.padLeft;
    for (std::size_t c0 = 0; c0 < I; c0 += 64) {
      const std::size_t nc = std::min<std::size_t>(64, I - c0);
      const float* d[4][4];
      for (std::size_t i = 0; i < 4; ++i) {
        const long h = h0 + static_cast<long>(i);
        for (std::size_t j = 0; j < 4; ++j) {
          const long w = w0 + static_cast<long>(j);
          const bool inside = h >= 0 && h < static_cast<long>(p.inH) && w >= 0 && w < static_cast<long>(p.inW);
          d[i][j] = inside ? img + (static_cast<std::size_t>(h) * p.inW + static_cast<std::size_t>(w)) * I + c0 : zero;
        }
      }
      float* v = V + t * I + c0;
      for (std::size_t c = 0; c < nc; ++c) {
        float r[4][4];  // B^T d
        for (std::size_t j = 0; j < 4; ++j) {
          r[0][j] = d[0][j][c] - d[2][j][c];
          r[1][j] = d[1][j][c] + d[2][j][c];
          r[2][j] = d[2][j][c] - d[1][j][c];
          r[3][j] = d[1][j][c] - d[3][j][c];
        }
        for (std::size_t i = 0; i < 4; ++i) {  // (B^T d) B
          v[(i * 4 + 0) * plane + c] = r[i][0] - r[i][2];
          v[(i * 4 + 1) * plane + c] = r[i][1] + r[i][2];
          v[(i * 4 + 2) * plane + c] = r[i][2] - r[i][1];
          v[(i * 4 + 3) * plane + c] = r[i][1] - r[i][3];
        }
      }
    }
  }
}

/** out (image b) = A^T M A for tiles [t0, t0 + T), then bias and activation; cells past the output edge dropped. */
SER_HOT void outputTransform(const Plan& p, const float* M, std::size_t b, std::size_t t0, std::size_t T,
                             std::size_t tilesW, const float* bias, Activation act, float* out) {
  const std::size_t O = p.O;
  const std::size_t plane = T * O;
  float* img = out + b * p.outH * p.outW * O;
  thread_local std::vector<float> y;
  if (y.size() < 4 * O) y.resize(4 * O);
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t th = (t0 + t) / tilesW;
    const std::size_t tw = (t0 + t) % tilesW;
    const float* m = M + t * O;
    float* y00 = y.data();
    float* y01 = y00 + O;
    float* y10 = y01 + O;
    float* y11 = y10 + O;
    for (std::size_t c = 0; c < O; ++c) {
      float q[4][4];
      for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) q[i][j] = m[(i * 4 + j) * plane + c];
      float s0[4], s1[4];  // A^T q
      for (std::size_t j = 0; j < 4; ++j) {
        s0[j] = q[0][j] + q[1][j] + q[2][j];
        s1[j] = q[1][j] - q[2][j] - q[3][j];
      }
      const float bv = bias != nullptr ? bias[c] : 0.0f;
      float a = s0[0] + s0[1] + s0[2] + bv, e = s0[1] - s0[2] - s0[3] + bv;
      float f = s1[0] + s1[1] + s1[2] + bv, h = s1[1] - s1[2] - s1[3] + bv;
      if (act == Activation::Relu) {
        a = a > 0.0f ? a : 0.0f;
        e = e > 0.0f ? e : 0.0f;
        f = f > 0.0f ? f : 0.0f;
        h = h > 0.0f ? h : 0.0f;
      }
      y00[c] = a;
      y01[c] = e;
      y10[c] = f;
      y11[c] = h;
    }
    const std::size_t oh = 2 * th;
    const std::size_t ow = 2 * tw;
    const float* rows[2][2] = {{y00, y01}, {y10, y11}};
    for (std::size_t i = 0; i < 2 && oh + i < p.outH; ++i) {
      for (std::size_t j = 0; j < 2 && ow + j < p.outW; ++j) {
        std::copy(rows[i][j], rows[i][j] + O, img + ((oh + i) * p.outW + ow + j) * O);
      }
    }
  }
}

void run(const Plan& p, const float* in, const std::vector<PackedB>& U, const float* bias, Activation act, float* out,
         std::size_t threads) {
  const std::size_t tilesH = (p.outH + 1) / 2;
  const std::size_t tilesW = (p.outW + 1) / 2;
  const std::size_t tiles = tilesH * tilesW;
  // Tiles per chunk: V and M (16 planes each) together about 512 KiB, so they stay in L2.
  std::size_t T = (std::size_t{8192}) / (p.I + p.O);
  T = std::max<std::size_t>(kMR * 2, T / kMR * kMR);
  const std::size_t chunks = (tiles + T - 1) / T;
  auto item = [&](std::size_t it) {
    const std::size_t b = it / chunks;
    const std::size_t t0 = (it % chunks) * T;
    const std::size_t n = std::min(T, tiles - t0);
    thread_local std::vector<float> V, M;
    if (V.size() < 16 * T * p.I) V.resize(16 * T * p.I);
    if (M.size() < 16 * T * p.O) M.resize(16 * T * p.O);
    inputTransform(p, in, b, t0, n, tilesW, V.data());
    for (std::size_t xi = 0; xi < 16; ++xi) {
      gemmPacked(n, V.data() + xi * n * p.I, p.I, false, U[xi], M.data() + xi * n * p.O, p.O, false);
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

/** Z[xi][t][o] = A g A^T of the 2x2 output-gradient tiles [t0, t0 + T) of image b (cells past the edge are 0). */
SER_HOT void gradTransform(const Plan& p, const float* dy, std::size_t b, std::size_t t0, std::size_t T,
                           std::size_t tilesW, float* Z) {
  const std::size_t O = p.O;
  const float* img = dy + b * p.outH * p.outW * O;
  const std::size_t plane = T * O;
  thread_local std::vector<float> zero;
  if (zero.size() < O) zero.assign(O, 0.0f);
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t th = (t0 + t) / tilesW;
    const std::size_t tw = (t0 + t) % tilesW;
    const float* g[2][2];
    for (std::size_t a = 0; a < 2; ++a) {
      for (std::size_t c = 0; c < 2; ++c) {
        const std::size_t oh = 2 * th + a, ow = 2 * tw + c;
        g[a][c] = oh < p.outH && ow < p.outW ? img + (oh * p.outW + ow) * O : zero.data();
      }
    }
    float* z = Z + t * O;
    for (std::size_t o = 0; o < O; ++o) {
      // A = [[1, 0], [1, 1], [1, -1], [0, -1]]: rows r = A g, then r A^T.
      const float g00 = g[0][0][o], g01 = g[0][1][o], g10 = g[1][0][o], g11 = g[1][1][o];
      const float r[4][2] = {{g00, g01}, {g00 + g10, g01 + g11}, {g00 - g10, g01 - g11}, {-g10, -g11}};
      for (std::size_t i = 0; i < 4; ++i) {
        z[(i * 4 + 0) * plane + o] = r[i][0];
        z[(i * 4 + 1) * plane + o] = r[i][0] + r[i][1];
        z[(i * 4 + 2) * plane + o] = r[i][0] - r[i][1];
        z[(i * 4 + 3) * plane + o] = -r[i][1];
      }
    }
  }
}

bool is3x3s1(const ConvShape& s) {
  return s.filterHeight == 3 && s.filterWidth == 3 && s.strideHeight == 1 && s.strideWidth == 1 &&
         s.dilationHeight == 1 && s.dilationWidth == 1;
}

/**
 * Whether Winograd beats im2col + GEMM for I input and O output channels (measured on Zen 4 for the reference CNN:
 * 1.2-1.5x faster with 64 or more outputs; with 32 outputs the 16 small GEMMs (two 16-wide panels) lose to one
 * wide GEMM, and the transforms dominate with few input channels).
 */
bool worthIt(std::size_t I, std::size_t O) {
  if (const char* force = std::getenv("SER_NN_WINOGRAD")) return force[0] == '1' && I >= 1 && O >= 1;
  return I >= 16 && O >= 64;
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
  if (!is3x3s1(s) || !worthIt(s.inChannels, s.outChannels)) return false;
  const std::size_t I = s.inChannels, O = s.outChannels;
  const Plan p{s.batch, s.inHeight, s.inWidth, I, s.outHeight, s.outWidth, O, static_cast<long>(s.padTop),
               static_cast<long>(s.padLeft)};
  const std::size_t tilesW = (p.outW + 1) / 2;
  const std::size_t tiles = ((p.outH + 1) / 2) * tilesW;
  std::size_t T = std::size_t{8192} / (I + O);
  T = std::max<std::size_t>(kMR * 2, T / kMR * kMR);
  const std::size_t chunks = (tiles + T - 1) / T;
  const std::size_t items = p.batch * chunks;
  const std::size_t nt = std::max<std::size_t>(1, std::min(threads, items));
  // Per thread: acc[xi] (I x O) = sum over its tiles of V[xi]^T Z[xi]; then dW = G^T acc G per channel pair.
  std::vector<std::vector<float>> acc(nt);
  auto part = [&](std::size_t t) {
    std::vector<float>& a = acc[t];
    a.assign(16 * I * O, 0.0f);
    thread_local std::vector<float> V, Z;
    if (V.size() < 16 * T * I) V.resize(16 * T * I);
    if (Z.size() < 16 * T * O) Z.resize(16 * T * O);
    for (std::size_t it = t; it < items; it += nt) {
      const std::size_t b = it / chunks;
      const std::size_t t0 = (it % chunks) * T;
      const std::size_t n = std::min(T, tiles - t0);
      inputTransform(p, x, b, t0, n, tilesW, V.data());
      gradTransform(p, dy, b, t0, n, tilesW, Z.data());
      for (std::size_t xi = 0; xi < 16; ++xi) {
        gemm(I, O, n, V.data() + xi * n * I, I, true, Z.data() + xi * n * O, O, false, a.data() + xi * I * O, O, true);
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
    for (std::size_t j = 0; j < 16 * I * O; ++j) a0[j] += at[j];
  }
  const float* m = acc[0].data();
  const std::size_t IO = I * O;
  for (std::size_t j = 0; j < IO; ++j) {
    float q[4][4];
    for (std::size_t a = 0; a < 4; ++a)
      for (std::size_t b = 0; b < 4; ++b) q[a][b] = m[(a * 4 + b) * IO + j];
    // G^T q G with G = [[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]]
    float r[3][4];
    for (std::size_t b = 0; b < 4; ++b) {
      r[0][b] = q[0][b] + 0.5f * (q[1][b] + q[2][b]);
      r[1][b] = 0.5f * (q[1][b] - q[2][b]);
      r[2][b] = 0.5f * (q[1][b] + q[2][b]) + q[3][b];
    }
    for (std::size_t a = 0; a < 3; ++a) {
      dw[(a * 3 + 0) * IO + j] = r[a][0] + 0.5f * (r[a][1] + r[a][2]);
      dw[(a * 3 + 1) * IO + j] = 0.5f * (r[a][1] - r[a][2]);
      dw[(a * 3 + 2) * IO + j] = 0.5f * (r[a][1] + r[a][2]) + r[a][3];
    }
  }
  return true;
}

}  // namespace ser::nn
