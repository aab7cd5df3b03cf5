// Our FFT (see fft.hpp). Stockham autosort formulation (decimation in frequency): a pass of radix p over the current
// length n = m * p with stride s reads x[q + s (k + l m)] (l = 0..p-1) and writes
// y[q + s (p k + j)] = w_n^{jk} * sum_l x[q + s (k + l m)] w_p^{jl}; no bit reversal is needed.
#include "fft.hpp"

#include <cmath>
#include <cstring>
#include <utility>

#include "cache.hpp"
#include "common.hpp"

namespace ser {

namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;
constexpr unsigned kMaxRadix = 31;  // larger prime factors go through Bluestein
constexpr std::size_t kFourStepMin = 256;  // below this the plain Stockham passes are as fast
// Scratch arrays are offset by a few cache lines so power-of-two strides do not alias in L1 (4K aliasing).
constexpr std::size_t kPad = 40;

// ---- radix-4 -------------------------------------------------------------------------------------------------
SER_HOT void pass4First(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                        double* __restrict yi, std::size_t m, const double* __restrict twr,
                        const double* __restrict twi) {
  const double* t1r = twr;
  const double* t1i = twi;
  const double* t2r = twr + m;
  const double* t2i = twi + m;
  const double* t3r = twr + 2 * m;
  const double* t3i = twi + 2 * m;
SER_IVDEP
  for (std::size_t k = 0; k < m; ++k) {
    const double x0r = xr[k], x0i = xi[k];
    const double x1r = xr[k + m], x1i = xi[k + m];
    const double x2r = xr[k + 2 * m], x2i = xi[k + 2 * m];
    const double x3r = xr[k + 3 * m], x3i = xi[k + 3 * m];
    const double a0r = x0r + x2r, a0i = x0i + x2i;
    const double a1r = x0r - x2r, a1i = x0i - x2i;
    const double a2r = x1r + x3r, a2i = x1i + x3i;
    // (x1 - x3) * (-i)
    const double a3r = x1i - x3i, a3i = x3r - x1r;
    const double y1r = a1r + a3r, y1i = a1i + a3i;
    const double y2r = a0r - a2r, y2i = a0i - a2i;
    const double y3r = a1r - a3r, y3i = a1i - a3i;
    yr[4 * k] = a0r + a2r;
    yi[4 * k] = a0i + a2i;
    yr[4 * k + 1] = y1r * t1r[k] - y1i * t1i[k];
    yi[4 * k + 1] = y1r * t1i[k] + y1i * t1r[k];
    yr[4 * k + 2] = y2r * t2r[k] - y2i * t2i[k];
    yi[4 * k + 2] = y2r * t2i[k] + y2i * t2r[k];
    yr[4 * k + 3] = y3r * t3r[k] - y3i * t3i[k];
    yi[4 * k + 3] = y3r * t3i[k] + y3i * t3r[k];
  }
}

// S > 0: compile-time stride (short inner loops of the early passes vectorise without run-time checks).
template <std::size_t S>
inline void pass4Body(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                      double* __restrict yi, std::size_t m, std::size_t sRuntime, const double* __restrict twr,
                      const double* __restrict twi) {
  const std::size_t s = S > 0 ? S : sRuntime;
  for (std::size_t k = 0; k < m; ++k) {
    const double w1r = twr[k], w1i = twi[k];
    const double w2r = twr[m + k], w2i = twi[m + k];
    const double w3r = twr[2 * m + k], w3i = twi[2 * m + k];
    const std::size_t i0 = s * k, i1 = s * (k + m), i2 = s * (k + 2 * m), i3 = s * (k + 3 * m);
    const std::size_t o0 = s * (4 * k), o1 = o0 + s, o2 = o0 + 2 * s, o3 = o0 + 3 * s;
SER_IVDEP
    for (std::size_t q = 0; q < s; ++q) {
      const double a0r = xr[i0 + q] + xr[i2 + q], a0i = xi[i0 + q] + xi[i2 + q];
      const double a1r = xr[i0 + q] - xr[i2 + q], a1i = xi[i0 + q] - xi[i2 + q];
      const double a2r = xr[i1 + q] + xr[i3 + q], a2i = xi[i1 + q] + xi[i3 + q];
      const double a3r = xi[i1 + q] - xi[i3 + q], a3i = xr[i3 + q] - xr[i1 + q];
      const double b1r = a1r + a3r, b1i = a1i + a3i;
      const double b2r = a0r - a2r, b2i = a0i - a2i;
      const double b3r = a1r - a3r, b3i = a1i - a3i;
      yr[o0 + q] = a0r + a2r;
      yi[o0 + q] = a0i + a2i;
      yr[o1 + q] = b1r * w1r - b1i * w1i;
      yi[o1 + q] = b1r * w1i + b1i * w1r;
      yr[o2 + q] = b2r * w2r - b2i * w2i;
      yi[o2 + q] = b2r * w2i + b2i * w2r;
      yr[o3 + q] = b3r * w3r - b3i * w3i;
      yi[o3 + q] = b3r * w3i + b3i * w3r;
    }
  }
}

SER_HOT void pass4(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                   double* __restrict yi, std::size_t m, std::size_t s, const double* __restrict twr,
                   const double* __restrict twi) {
  switch (s) {
    case 2:
      pass4Body<2>(xr, xi, yr, yi, m, s, twr, twi);
      break;
    case 4:
      pass4Body<4>(xr, xi, yr, yi, m, s, twr, twi);
      break;
    case 8:
      pass4Body<8>(xr, xi, yr, yi, m, s, twr, twi);
      break;
    case 16:
      pass4Body<16>(xr, xi, yr, yi, m, s, twr, twi);
      break;
    default:
      pass4Body<0>(xr, xi, yr, yi, m, s, twr, twi);
      break;
  }
}

// ---- radix-2 -------------------------------------------------------------------------------------------------
SER_HOT void pass2(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                   double* __restrict yi, std::size_t m, std::size_t s, const double* __restrict twr,
                   const double* __restrict twi) {
  for (std::size_t k = 0; k < m; ++k) {
    const double wr = twr[k], wi = twi[k];
    const double* x0r = xr + s * k;
    const double* x0i = xi + s * k;
    const double* x1r = xr + s * (k + m);
    const double* x1i = xi + s * (k + m);
    double* y0r = yr + s * (2 * k);
    double* y0i = yi + s * (2 * k);
    double* y1r = y0r + s;
    double* y1i = y0i + s;
SER_IVDEP
    for (std::size_t q = 0; q < s; ++q) {
      const double dr = x0r[q] - x1r[q], di = x0i[q] - x1i[q];
      y0r[q] = x0r[q] + x1r[q];
      y0i[q] = x0i[q] + x1i[q];
      y1r[q] = dr * wr - di * wi;
      y1i[q] = dr * wi + di * wr;
    }
  }
}

// ---- radix-3 -------------------------------------------------------------------------------------------------
SER_HOT void pass3(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                   double* __restrict yi, std::size_t m, std::size_t s, const double* __restrict twr,
                   const double* __restrict twi) {
  const double S = std::sin(2.0 * kPi / 3.0);
  for (std::size_t k = 0; k < m; ++k) {
    const double w1r = twr[k], w1i = twi[k];
    const double w2r = twr[m + k], w2i = twi[m + k];
SER_IVDEP
    for (std::size_t q = 0; q < s; ++q) {
      const std::size_t i0 = q + s * k, i1 = q + s * (k + m), i2 = q + s * (k + 2 * m);
      const double tr = xr[i1] + xr[i2], ti = xi[i1] + xi[i2];
      const double dr = xr[i1] - xr[i2], di = xi[i1] - xi[i2];
      const double cr = xr[i0] - 0.5 * tr, ci = xi[i0] - 0.5 * ti;
      const double b1r = cr + S * di, b1i = ci - S * dr;
      const double b2r = cr - S * di, b2i = ci + S * dr;
      const std::size_t o = q + s * (3 * k);
      yr[o] = xr[i0] + tr;
      yi[o] = xi[i0] + ti;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
    }
  }
}

// ---- radix-5 -------------------------------------------------------------------------------------------------
SER_HOT void pass5(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                   double* __restrict yi, std::size_t m, std::size_t s, const double* __restrict twr,
                   const double* __restrict twi) {
  const double C1 = std::cos(2.0 * kPi / 5.0), C2 = std::cos(4.0 * kPi / 5.0);
  const double S1 = std::sin(2.0 * kPi / 5.0), S2 = std::sin(4.0 * kPi / 5.0);
  for (std::size_t k = 0; k < m; ++k) {
    double wr[5], wi[5];
    for (int j = 1; j < 5; ++j) {
      wr[j] = twr[(j - 1) * m + k];
      wi[j] = twi[(j - 1) * m + k];
    }
SER_IVDEP
    for (std::size_t q = 0; q < s; ++q) {
      const std::size_t i0 = q + s * k;
      const std::size_t i1 = i0 + s * m, i2 = i0 + 2 * s * m, i3 = i0 + 3 * s * m, i4 = i0 + 4 * s * m;
      const double a1r = xr[i1] + xr[i4], a1i = xi[i1] + xi[i4];
      const double b1r = xr[i1] - xr[i4], b1i = xi[i1] - xi[i4];
      const double a2r = xr[i2] + xr[i3], a2i = xi[i2] + xi[i3];
      const double b2r = xr[i2] - xr[i3], b2i = xi[i2] - xi[i3];
      const double c1r = xr[i0] + C1 * a1r + C2 * a2r, c1i = xi[i0] + C1 * a1i + C2 * a2i;
      const double c2r = xr[i0] + C2 * a1r + C1 * a2r, c2i = xi[i0] + C2 * a1i + C1 * a2i;
      const double d1r = S1 * b1r + S2 * b2r, d1i = S1 * b1i + S2 * b2i;
      const double d2r = S2 * b1r - S1 * b2r, d2i = S2 * b1i - S1 * b2i;
      double outr[5], outi[5];
      outr[0] = xr[i0] + a1r + a2r;
      outi[0] = xi[i0] + a1i + a2i;
      outr[1] = c1r + d1i;  // c1 - i d1
      outi[1] = c1i - d1r;
      outr[4] = c1r - d1i;  // c1 + i d1
      outi[4] = c1i + d1r;
      outr[2] = c2r + d2i;  // c2 - i d2
      outi[2] = c2i - d2r;
      outr[3] = c2r - d2i;  // c2 + i d2
      outi[3] = c2i + d2r;
      const std::size_t o = q + s * (5 * k);
      yr[o] = outr[0];
      yi[o] = outi[0];
      for (int j = 1; j < 5; ++j) {
        yr[o + j * s] = outr[j] * wr[j] - outi[j] * wi[j];
        yi[o + j * s] = outr[j] * wi[j] + outi[j] * wr[j];
      }
    }
  }
}

// ---- any small odd prime -------------------------------------------------------------------------------------
void passGeneric(const double* xr, const double* xi, double* yr, double* yi, std::size_t m, std::size_t s,
                 unsigned p, const double* twr, const double* twi) {
  double cw[kMaxRadix], sw[kMaxRadix];
  for (unsigned t = 0; t < p; ++t) {
    cw[t] = std::cos(2.0 * kPi * t / p);
    sw[t] = -std::sin(2.0 * kPi * t / p);
  }
  double inr[kMaxRadix], ini[kMaxRadix];
  for (std::size_t k = 0; k < m; ++k) {
SER_IVDEP
    for (std::size_t q = 0; q < s; ++q) {
      for (unsigned l = 0; l < p; ++l) {
        inr[l] = xr[q + s * (k + l * m)];
        ini[l] = xi[q + s * (k + l * m)];
      }
      for (unsigned j = 0; j < p; ++j) {
        double sr = 0.0, si = 0.0;
        for (unsigned l = 0; l < p; ++l) {
          const unsigned t = (j * l) % p;
          sr += inr[l] * cw[t] - ini[l] * sw[t];
          si += inr[l] * sw[t] + ini[l] * cw[t];
        }
        const std::size_t o = q + s * (p * k + j);
        if (j == 0) {
          yr[o] = sr;
          yi[o] = si;
        } else {
          const double wr = twr[(j - 1) * m + k], wi = twi[(j - 1) * m + k];
          yr[o] = sr * wr - si * wi;
          yi[o] = sr * wi + si * wr;
        }
      }
    }
  }
}

std::vector<unsigned> factorize(std::size_t n, bool& smooth) {
  std::vector<unsigned> f;
  smooth = true;
  while (n % 4 == 0) {
    f.push_back(4);
    n /= 4;
  }
  while (n % 2 == 0) {
    f.push_back(2);
    n /= 2;
  }
  for (std::size_t p = 3; n > 1; p += 2) {
    if (p * p > n) p = n;  // n itself is prime now
    while (n % p == 0) {
      if (p > kMaxRadix) smooth = false;
      f.push_back(static_cast<unsigned>(p > kMaxRadix ? 0 : p));
      n /= p;
    }
  }
  return f;
}

// dst[c * rows + r] = src[r * cols + c] * tw[c * rows + r]: contiguous writes and twiddles, strided reads.
SER_HOT void twiddleTranspose(const double* __restrict sr, const double* __restrict si, const double* __restrict twr,
                              const double* __restrict twi, double* __restrict dr, double* __restrict di,
                              std::size_t rows, std::size_t cols) {
  for (std::size_t c = 0; c < cols; ++c) {
    double* outr = dr + c * rows;
    double* outi = di + c * rows;
    const double* wr = twr + c * rows;
    const double* wi = twi + c * rows;
SER_IVDEP
    for (std::size_t r = 0; r < rows; ++r) {
      const double xr = sr[r * cols + c], xi = si[r * cols + c];
      outr[r] = xr * wr[r] - xi * wi[r];
      outi[r] = xr * wi[r] + xi * wr[r];
    }
  }
}

std::size_t nextPow2(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

std::vector<ComplexFft::Pass> ComplexFft::buildPasses(std::size_t size, std::size_t vectorLength) {
  bool smooth = true;
  const std::vector<unsigned> radices = factorize(size, smooth);
  std::vector<Pass> passes;
  std::size_t cur = size, s = 1;
  for (unsigned p : radices) {
    Pass pass;
    pass.radix = p;
    pass.m = cur / p;
    pass.s = s * vectorLength;
    pass.twRe.resize((p - 1) * pass.m);
    pass.twIm.resize((p - 1) * pass.m);
    for (unsigned j = 1; j < p; ++j) {
      for (std::size_t k = 0; k < pass.m; ++k) {
        const double angle = -2.0 * kPi * static_cast<double>(j * k) / static_cast<double>(cur);
        pass.twRe[(j - 1) * pass.m + k] = std::cos(angle);
        pass.twIm[(j - 1) * pass.m + k] = std::sin(angle);
      }
    }
    passes.push_back(std::move(pass));
    cur /= p;
    s *= p;
  }
  return passes;
}

ComplexFft::ComplexFft(std::size_t n) : n_(n) {
  if (n == 0) throwRange("FFT size must be positive");
  bool smooth = true;
  factorize(n, smooth);
  if (!smooth) {
    useBluestein_ = true;
    big_ = nextPow2(2 * n - 1);
    inner_ = complexFftPlan(big_);
    chirpRe_.resize(n);
    chirpIm_.resize(n);
    const std::uint64_t twoN = 2 * static_cast<std::uint64_t>(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t t = (static_cast<std::uint64_t>(k) * k) % twoN;
      const double angle = -kPi * static_cast<double>(t) / static_cast<double>(n);
      chirpRe_[k] = std::cos(angle);
      chirpIm_[k] = std::sin(angle);
    }
    std::vector<double> br(big_, 0.0), bi(big_, 0.0), w(inner_->workSize());
    for (std::size_t k = 0; k < n; ++k) {
      br[k] = chirpRe_[k];
      bi[k] = -chirpIm_[k];
      if (k > 0) {
        br[big_ - k] = chirpRe_[k];
        bi[big_ - k] = -chirpIm_[k];
      }
    }
    inner_->forward(br.data(), bi.data(), w.data());
    kernRe_.resize(big_);
    kernIm_.resize(big_);
    const double scale = 1.0 / static_cast<double>(big_);
    for (std::size_t k = 0; k < big_; ++k) {
      kernRe_[k] = br[k] * scale;
      kernIm_[k] = bi[k] * scale;
    }
    work_ = 2 * big_ + inner_->workSize();
    return;
  }
  work_ = 2 * n + kPad;
  // Split n = n1 * n2 near sqrt(n) for the four-step algorithm, preferring powers of four (no radix-2 pass).
  std::size_t n1 = 1;
  for (std::size_t d = 1; d * d <= n; ++d)
    if (n % d == 0) n1 = d;
  if ((n & (n - 1)) == 0) {
    unsigned e = 0;
    while ((std::size_t{1} << e) < n) ++e;
    unsigned e1 = e / 2;
    if (e % 2 == 0 && e1 % 2 == 1) e1 -= 1;
    n1 = std::size_t{1} << e1;
  }
  if (n >= kFourStepMin && n1 >= 8) {
    useFourStep_ = true;
    n1_ = n1;
    n2_ = n / n1;
    passesA_ = buildPasses(n2_, n1_);
    passesB_ = buildPasses(n1_, n2_);
    fourTwRe_.resize(n);
    fourTwIm_.resize(n);
    for (std::size_t k2 = 0; k2 < n2_; ++k2) {
      for (std::size_t i = 0; i < n1_; ++i) {
        const std::uint64_t t = (static_cast<std::uint64_t>(k2) * i) % n;
        const double angle = -2.0 * kPi * static_cast<double>(t) / static_cast<double>(n);
        fourTwRe_[i * n2_ + k2] = std::cos(angle);
        fourTwIm_[i * n2_ + k2] = std::sin(angle);
      }
    }
    return;
  }
  passes_ = buildPasses(n, 1);
}

ComplexFft::Result ComplexFft::transform(double* re, double* im, double* work) const {
  if (useBluestein_) {
    bluestein(re, im, work);
    return {re, im};
  }
  if (useFourStep_) return fourStep(re, im, work);
  if (runPasses(passes_, re, im, work, work + n_ + kPad)) return {work, work + n_ + kPad};
  return {re, im};
}

void ComplexFft::forward(double* re, double* im, double* work) const {
  const Result r = transform(re, im, work);
  if (r.re != re) {
    std::memcpy(re, r.re, n_ * sizeof(double));
    std::memcpy(im, r.im, n_ * sizeof(double));
  }
}

bool ComplexFft::runPasses(const std::vector<Pass>& passes, double* xr, double* xi, double* yr, double* yi) {
  bool swapped = false;
  for (const Pass& p : passes) {
    const double* twr = p.twRe.data();
    const double* twi = p.twIm.data();
    switch (p.radix) {
      case 4:
        if (p.s == 1) {
          pass4First(xr, xi, yr, yi, p.m, twr, twi);
        } else {
          pass4(xr, xi, yr, yi, p.m, p.s, twr, twi);
        }
        break;
      case 2:
        pass2(xr, xi, yr, yi, p.m, p.s, twr, twi);
        break;
      case 3:
        pass3(xr, xi, yr, yi, p.m, p.s, twr, twi);
        break;
      case 5:
        pass5(xr, xi, yr, yi, p.m, p.s, twr, twi);
        break;
      default:
        passGeneric(xr, xi, yr, yi, p.m, p.s, p.radix, twr, twi);
        break;
    }
    std::swap(xr, yr);
    std::swap(xi, yi);
    swapped = !swapped;
  }
  return swapped;
}

ComplexFft::Result ComplexFft::fourStep(double* re, double* im, double* work) const {
  double* ar = re;
  double* ai = im;
  double* br = work;
  double* bi = work + n_ + kPad;
  if (runPasses(passesA_, ar, ai, br, bi)) {
    std::swap(ar, br);
    std::swap(ai, bi);
  }
  // (ar, ai) holds [k2][i]; multiply by w_n^{i k2} and transpose into (br, bi) as [i][k2].
  twiddleTranspose(ar, ai, fourTwRe_.data(), fourTwIm_.data(), br, bi, n2_, n1_);
  if (runPasses(passesB_, br, bi, ar, ai)) return {ar, ai};
  return {br, bi};
}

void ComplexFft::bluestein(double* re, double* im, double* work) const {
  double* ar = work;
  double* ai = work + big_;
  double* inner = work + 2 * big_;
  for (std::size_t k = 0; k < n_; ++k) {
    ar[k] = re[k] * chirpRe_[k] - im[k] * chirpIm_[k];
    ai[k] = re[k] * chirpIm_[k] + im[k] * chirpRe_[k];
  }
  for (std::size_t k = n_; k < big_; ++k) {
    ar[k] = 0.0;
    ai[k] = 0.0;
  }
  inner_->forward(ar, ai, inner);
  // C = A * K, then the inverse FFT as conj(FFT(conj(C))) (K already holds the 1/big_ scale).
  for (std::size_t k = 0; k < big_; ++k) {
    const double cr = ar[k] * kernRe_[k] - ai[k] * kernIm_[k];
    const double ci = ar[k] * kernIm_[k] + ai[k] * kernRe_[k];
    ar[k] = cr;
    ai[k] = -ci;
  }
  inner_->forward(ar, ai, inner);
  for (std::size_t k = 0; k < n_; ++k) {
    const double cr = ar[k], ci = -ai[k];
    re[k] = cr * chirpRe_[k] - ci * chirpIm_[k];
    im[k] = cr * chirpIm_[k] + ci * chirpRe_[k];
  }
}

// ---- real FFT --------------------------------------------------------------------------------------------------

RealFft::RealFft(std::size_t n) : n_(n) {
  if (n < 2) throwRange("real FFT size must be at least 2");
  even_ = (n % 2 == 0);
  if (even_) {
    const std::size_t m = n / 2;
    fft_ = complexFftPlan(m);
    wRe_.resize(m + 1);
    wIm_.resize(m + 1);
    for (std::size_t k = 0; k <= m; ++k) {
      const double angle = -2.0 * kPi * static_cast<double>(k) / static_cast<double>(n);
      wRe_[k] = std::cos(angle);
      wIm_[k] = std::sin(angle);
    }
    work_ = 2 * m + 2 * kPad + fft_->workSize();
  } else {
    fft_ = complexFftPlan(n);
    work_ = 2 * n + 2 * kPad + fft_->workSize();
  }
}

namespace {

SER_HOT void deinterleave(const double* __restrict x, double* __restrict zr, double* __restrict zi, std::size_t m) {
  for (std::size_t j = 0; j < m; ++j) {
    zr[j] = x[2 * j];
    zi[j] = x[2 * j + 1];
  }
}

SER_HOT void realPost(const double* __restrict zr, const double* __restrict zi, const double* __restrict wr,
                      const double* __restrict wi, double* __restrict outRe, double* __restrict outIm,
                      std::size_t m) {
  outRe[0] = zr[0] + zi[0];
  outIm[0] = 0.0;
  outRe[m] = zr[0] - zi[0];
  outIm[m] = 0.0;
  for (std::size_t k = 1; k < m; ++k) {
    const double ar = zr[k], ai = zi[k];
    const double br = zr[m - k], bi = -zi[m - k];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    outRe[k] = er + (wr[k] * orr - wi[k] * oi);
    outIm[k] = ei + (wr[k] * oi + wi[k] * orr);
  }
}

// realPost that also writes |X[k]|^2.
SER_HOT void realPostPower(const double* __restrict zr, const double* __restrict zi, const double* __restrict wr,
                           const double* __restrict wi, double* __restrict outRe, double* __restrict outIm,
                           double* __restrict outPow, std::size_t m) {
  const double x0 = zr[0] + zi[0], xm = zr[0] - zi[0];
  outRe[0] = x0;
  outIm[0] = 0.0;
  outPow[0] = x0 * x0;
  outRe[m] = xm;
  outIm[m] = 0.0;
  outPow[m] = xm * xm;
  for (std::size_t k = 1; k < m; ++k) {
    const double ar = zr[k], ai = zi[k];
    const double br = zr[m - k], bi = -zi[m - k];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    const double xr = er + (wr[k] * orr - wi[k] * oi);
    const double xi = ei + (wr[k] * oi + wi[k] * orr);
    outRe[k] = xr;
    outIm[k] = xi;
    outPow[k] = xr * xr + xi * xi;
  }
}

// realPost for bins [first, first + count), written with a stride; the same arithmetic bin for bin.
SER_HOT void realPostBand(const double* __restrict zr, const double* __restrict zi, const double* __restrict wr,
                          const double* __restrict wi, double* __restrict outRe, double* __restrict outIm,
                          std::size_t m, std::size_t first, std::size_t count, std::size_t stride) {
  const std::size_t end = first + count;
  std::size_t k = first;
  if (k == 0 && k < end) {
    outRe[0] = zr[0] + zi[0];
    outIm[0] = 0.0;
    ++k;
  }
  const std::size_t interiorEnd = end < m ? end : m;
  for (; k < interiorEnd; ++k) {
    const double ar = zr[k], ai = zi[k];
    const double br = zr[m - k], bi = -zi[m - k];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    outRe[(k - first) * stride] = er + (wr[k] * orr - wi[k] * oi);
    outIm[(k - first) * stride] = ei + (wr[k] * oi + wi[k] * orr);
  }
  if (k == m && k < end) {
    outRe[(k - first) * stride] = zr[0] - zi[0];
    outIm[(k - first) * stride] = 0.0;
  }
}

SER_HOT void powerOf(const double* __restrict re, const double* __restrict im, double* __restrict pw,
                     std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) pw[k] = re[k] * re[k] + im[k] * im[k];
}

// The conjugated Z of RealFft::inverse; k = 0 pairs X[0] with X[m] (imaginary parts ignored, as numpy does).
SER_HOT void inverseSplit(const double* __restrict re, const double* __restrict im, const double* __restrict wRe,
                          const double* __restrict wIm, double* __restrict zr, double* __restrict zi, std::size_t m) {
  {
    const double er = 0.5 * (re[0] + re[m]), dr = 0.5 * (re[0] - re[m]);
    // ei = di = 0; conj(w^0) = 1
    zr[0] = er - 0.0;
    zi[0] = -(0.0 + dr);
  }
  for (std::size_t k = 1; k < m; ++k) {
    const double ar = re[k], ai = im[k];
    const double br = re[m - k], bi = -im[m - k];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double dr = 0.5 * (ar - br), di = 0.5 * (ai - bi);
    const double wr = wRe[k], wi = -wIm[k];  // conj(w^k) = e^{+2 pi i k / n}
    const double orr = dr * wr - di * wi, oi = dr * wi + di * wr;
    zr[k] = er - oi;
    zi[k] = -(ei + orr);
  }
}

// x[2j] = Re z[j] / m, x[2j + 1] = -Im z[j] / m (a power-of-two m divides exactly by multiplying with 1 / m).
SER_HOT void inverseInterleave(const double* __restrict zr, const double* __restrict zi, double* __restrict out,
                               std::size_t m) {
  const double md = static_cast<double>(m);
  if ((m & (m - 1)) == 0) {
    const double inv = 1.0 / md;
    for (std::size_t j = 0; j < m; ++j) {
      out[2 * j] = zr[j] * inv;
      out[2 * j + 1] = -zi[j] * inv;
    }
  } else {
    for (std::size_t j = 0; j < m; ++j) {
      out[2 * j] = zr[j] / md;
      out[2 * j + 1] = -zi[j] / md;
    }
  }
}

}  // namespace

RealFft::Input RealFft::input(double* work) const {
  if (even_) return {work, work + n_ / 2 + kPad};
  return {work, nullptr};
}

void RealFft::transformInput(double* outRe, double* outIm, double* outPower, double* work) const {
  if (even_) {
    const std::size_t m = n_ / 2;
    double* zr = work;
    double* zi = work + m + kPad;
    const ComplexFft::Result z = fft_->transform(zr, zi, work + 2 * m + 2 * kPad);
    if (outPower) {
      realPostPower(z.re, z.im, wRe_.data(), wIm_.data(), outRe, outIm, outPower, m);
    } else {
      realPost(z.re, z.im, wRe_.data(), wIm_.data(), outRe, outIm, m);
    }
  } else {
    double* zr = work;
    double* zi = work + n_ + kPad;
    std::memset(zi, 0, n_ * sizeof(double));
    const ComplexFft::Result z = fft_->transform(zr, zi, work + 2 * n_ + 2 * kPad);
    const std::size_t b = bins();
    std::memcpy(outRe, z.re, b * sizeof(double));
    std::memcpy(outIm, z.im, b * sizeof(double));
    if (outPower) powerOf(outRe, outIm, outPower, b);
  }
}

void RealFft::transformInputBand(double* outRe, double* outIm, std::size_t first, std::size_t count,
                                 std::size_t stride, double* work) const {
  if (even_) {
    const std::size_t m = n_ / 2;
    double* zr = work;
    double* zi = work + m + kPad;
    const ComplexFft::Result z = fft_->transform(zr, zi, work + 2 * m + 2 * kPad);
    realPostBand(z.re, z.im, wRe_.data(), wIm_.data(), outRe, outIm, m, first, count, stride);
  } else {
    double* zr = work;
    double* zi = work + n_ + kPad;
    std::memset(zi, 0, n_ * sizeof(double));
    const ComplexFft::Result z = fft_->transform(zr, zi, work + 2 * n_ + 2 * kPad);
    for (std::size_t j = 0; j < count; ++j) {
      outRe[j * stride] = z.re[first + j];
      outIm[j * stride] = z.im[first + j];
    }
  }
}

void RealFft::forward(const double* x, double* outRe, double* outIm, double* work) const {
  const Input in = input(work);
  if (even_) {
    deinterleave(x, in.even, in.odd, n_ / 2);
  } else {
    std::memcpy(in.even, x, n_ * sizeof(double));
  }
  transformInput(outRe, outIm, nullptr, work);
}

void RealFft::inverse(const double* re, const double* im, double* out, double* work) const {
  if (!even_) {
    // Odd n: the Hermitian spectrum, inverted as conj(fft(conj(X))) / n (only the real part is wanted).
    double* zr = work;
    double* zi = work + n_ + kPad;
    zr[0] = re[0];
    zi[0] = 0.0;
    for (std::size_t k = 1; k <= n_ / 2; ++k) {
      zr[k] = re[k];
      zi[k] = -im[k];
      zr[n_ - k] = re[k];
      zi[n_ - k] = im[k];
    }
    const ComplexFft::Result z = fft_->transform(zr, zi, work + 2 * n_ + 2 * kPad);
    const double nd = static_cast<double>(n_);
    for (std::size_t j = 0; j < n_; ++j) out[j] = z.re[j] / nd;
    return;
  }
  // Even n: undo the split of transformInput. Z[k] = E[k] + i O[k] with E = (X[k] + conj X[m-k]) / 2 and
  // O = (X[k] - conj X[m-k]) conj(w^k) / 2 is the half-length transform of x[2j] + i x[2j+1]; its inverse is
  // conj(fft(conj Z)) / m, so Z goes in conjugated.
  const std::size_t m = n_ / 2;
  double* zr = work;
  double* zi = work + m + kPad;
  inverseSplit(re, im, wRe_.data(), wIm_.data(), zr, zi, m);
  const ComplexFft::Result z = fft_->transform(zr, zi, work + 2 * m + 2 * kPad);
  inverseInterleave(z.re, z.im, out, m);
}

std::shared_ptr<const ComplexFft> complexFftPlan(std::size_t n) {
  static auto* cache = new Cache<std::size_t, ComplexFft>(64);  // leaked, see cache.hpp
  return cache->get(n, [n] { return std::make_shared<const ComplexFft>(n); });
}

std::shared_ptr<const RealFft> realFftPlan(std::size_t n) {
  static auto* cache = new Cache<std::size_t, RealFft>(32);  // leaked, see cache.hpp
  return cache->get(n, [n] { return std::make_shared<const RealFft>(n); });
}

}  // namespace ser
