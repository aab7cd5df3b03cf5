// Integer-factor downsampling with the TypeScript twin's Kaiser-windowed sinc (see downsample.hpp).
//
// resample.ts scatters each input sample into the 2H outputs its kernel reaches, using kernel row `phase` (the
// input's position between two outputs). Written per output, that is one zero-phase FIR filter at the input rate,
// kept at every factor-th sample:
//   y[m] = sum_{u < 2H factor} g[u] x[factor m - H factor + u],   g[factor (2H - 1 - k) + p] = row_p[k].
// The 272 taps of the CQT's halving filter cost far less through the FFT (overlap-save: each block of input is
// transformed once, multiplied by the kernel's spectrum, folded to the output rate and transformed back) than as
// direct products. The kernel values are resample.ts's; only the rounding of the float64 sums differs (relative
// ~1e-15 of the block's level, before the results are rounded to float32).
#include "downsample.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <tuple>

#include "cache.hpp"
#include "common.hpp"
#include "fft.hpp"

namespace ser {

namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;
/** resample.ts: largest exact polyphase table (float64 entries); above it rows are interpolated. */
constexpr std::size_t kMaxTableEntries = std::size_t{1} << 18;
/** resample.ts: phase resolution of the interpolated table, rows per output sample. */
constexpr std::size_t kFinePhases = 1024;
/** Largest factor filtered through the FFT (its plan and blocks grow with the kernel, factor * 2H taps). */
constexpr std::size_t kMaxFftFactor = 16;

/** Modified Bessel function of the first kind, order 0, by its power series (kaiser.ts). */
double besselI0(double x) {
  const double q = (x * x) / 4;
  double term = 1.0;
  double sum = 1.0;
  for (double k = 1; term > sum * 1e-17; ++k) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** kaiser.ts kaiserSinc: sinc(z) * kaiser(z / zeroCrossings), z in zero crossings of the cutoff sinc. */
struct KaiserSinc {
  double zeroCrossings;
  double beta;
  double norm;
  KaiserSinc(double z, double b) : zeroCrossings(z), beta(b), norm(1.0 / besselI0(b)) {}
  double operator()(double z) const {
    const double t = z / zeroCrossings;
    if (!(t > -1 && t < 1)) return 0.0;
    const double sinc = z == 0 ? 1.0 : std::sin(kPi * z) / (kPi * z);
    return sinc * besselI0(beta * std::sqrt(1 - t * t)) * norm;
  }
};

/**
 * resample.ts's KernelRows: H >= zeroCrossings / rolloff rounded up to even, rows of 2H taps, gain = cutoff; row p
 * is the kernel at the input's phase p / factor between two outputs.
 */
class KernelRows {
 public:
  KernelRows(std::size_t factor, const SincOptions& o)
      : o_(o), kernel_(static_cast<double>(o.zeroCrossings), o.kaiserBeta), factor_(factor) {
    half_ = 2 * static_cast<std::size_t>(std::ceil(static_cast<double>(o.zeroCrossings) / o.rolloff / 2));
    taps_ = 2 * half_;
    gain_ = (o.rolloff * 1) / static_cast<double>(factor);
    exact_ = factor * taps_ <= kMaxTableEntries;
    step_ = static_cast<double>(exact_ ? factor : kFinePhases);
    // Without an exact table, rows come from linear interpolation between the two fine rows around the phase.
    if (!exact_) {
      fine_.resize((kFinePhases + 1) * taps_);
      for (std::size_t j = 0; j <= kFinePhases; ++j) tableRow(j, &fine_[j * taps_]);
    }
  }
  std::size_t half() const { return half_; }
  std::size_t taps() const { return taps_; }

  void row(std::size_t p, double* out) const {
    if (exact_) {
      tableRow(p, out);
      return;
    }
    const double at = (static_cast<double>(p) / static_cast<double>(factor_)) * static_cast<double>(kFinePhases);
    const std::size_t j = static_cast<std::size_t>(std::floor(at));
    const double f = at - static_cast<double>(j);
    const double* lo = &fine_[j * taps_];
    const double* hi = lo + taps_;
    for (std::size_t k = 0; k < taps_; ++k) out[k] = lo[k] + f * (hi[k] - lo[k]);
  }

 private:
  void tableRow(std::size_t j, double* out) const {
    const double z0 = o_.rolloff * (static_cast<double>(j) / step_ + static_cast<double>(half_) - 1);
    for (std::size_t k = 0; k < taps_; ++k) out[k] = gain_ * kernel_(z0 - o_.rolloff * static_cast<double>(k));
  }

  SincOptions o_;
  KaiserSinc kernel_;
  std::size_t factor_;
  std::size_t half_ = 0, taps_ = 0;
  double gain_ = 0, step_ = 0;
  bool exact_ = true;
  std::vector<double> fine_;
};

/** even[j] = x[2j], odd[j] = x[2j + 1] of the block x[0..2 count) (all inside the signal). */
SER_HOT void splitBlock(const float* __restrict x, double* __restrict even, double* __restrict odd,
                        std::size_t count) {
  for (std::size_t j = 0; j < count; ++j) {
    even[j] = static_cast<double>(x[2 * j]);
    odd[j] = static_cast<double>(x[2 * j + 1]);
  }
}

/** R = X * K (complex, elementwise, n values). */
SER_HOT void multiplySpectra(const double* __restrict xr, const double* __restrict xi, const double* __restrict kr,
                             const double* __restrict ki, double* __restrict rr, double* __restrict ri,
                             std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    rr[k] = xr[k] * kr[k] - xi[k] * ki[k];
    ri[k] = xr[k] * ki[k] + xi[k] * kr[k];
  }
}

#if defined(__GNUC__)
typedef double Quad __attribute__((vector_size(4 * sizeof(double))));
#endif

constexpr std::size_t kBlock = 32;  // outputs per block: eight vectors of accumulators

/**
 * acc[m] += sum_q b[m + q] * c[q] for m < nBlocks * kBlock. Eight independent accumulator vectors hide the
 * latency of the additions (the build does not contract multiply-adds).
 */
SER_HOT void firAccumulate(const double* __restrict b, const double* __restrict c, std::size_t taps,
                           double* __restrict acc, std::size_t nBlocks) {
#if defined(__GNUC__)
  constexpr std::size_t kVectors = kBlock / 4;
  for (std::size_t blk = 0; blk < nBlocks; ++blk) {
    double* out = acc + blk * kBlock;
    const double* in = b + blk * kBlock;
    Quad a[kVectors];
    std::memcpy(a, out, sizeof a);
    for (std::size_t q = 0; q < taps; ++q) {
      const double cq = c[q];
      for (std::size_t v = 0; v < kVectors; ++v) {
        Quad x;
        std::memcpy(&x, in + q + 4 * v, sizeof(Quad));
        a[v] += x * cq;
      }
    }
    std::memcpy(out, a, sizeof a);
  }
#else
  for (std::size_t m = 0; m < nBlocks * kBlock; ++m) {
    double a = acc[m];
    for (std::size_t q = 0; q < taps; ++q) a += b[m + q] * c[q];
    acc[m] = a;
  }
#endif
}

/**
 * The same filter as direct products, phase by phase over blocks of outputs kept in registers: for the factors the
 * FFT path leaves out (not a power of two, or a kernel too long for a cached FFT plan).
 */
std::vector<float> downsampleDirect(const float* x, std::size_t n, std::size_t factor, const SincOptions& o) {
  const std::size_t nOut = (n + factor - 1) / factor;
  const KernelRows rows(factor, o);
  const std::size_t half = rows.half(), taps = rows.taps();
  const std::size_t nBlocks = (nOut + kBlock - 1) / kBlock;
  std::vector<double> acc(nBlocks * kBlock, 0.0);
  std::vector<double> row(taps), rev(taps), b(nBlocks * kBlock + taps);
  for (std::size_t p = 0; p < factor; ++p) {
    rows.row(p, row.data());
    for (std::size_t q = 0; q < taps; ++q) rev[q] = row[taps - 1 - q];
    // b[j] = x_p[j - H], zero outside the signal.
    for (std::size_t j = 0; j < b.size(); ++j) {
      const std::ptrdiff_t i = static_cast<std::ptrdiff_t>(j) - static_cast<std::ptrdiff_t>(half);
      const std::ptrdiff_t s = i * static_cast<std::ptrdiff_t>(factor) + static_cast<std::ptrdiff_t>(p);
      b[j] = (s >= 0 && s < static_cast<std::ptrdiff_t>(n)) ? static_cast<double>(x[s]) : 0.0;
    }
    firAccumulate(b.data(), rev.data(), taps, acc.data(), nBlocks);
  }
  std::vector<float> y(nOut);
  for (std::size_t m = 0; m < nOut; ++m) y[m] = static_cast<float>(acc[m]);
  return y;
}

/**
 * Decimator::fold for factor 2 (the CQT's halvings), as one loop without branches: D[k] = R[k] + conj(R[half - k]).
 * Only the sign of a zero can differ from the general loop, in the imaginary parts of the bins the inverse ignores.
 */
SER_HOT void foldHalves(const double* __restrict re, const double* __restrict im, double* __restrict outRe,
                        double* __restrict outIm, std::size_t half) {
  for (std::size_t k = 0; k <= half / 2; ++k) {
    outRe[k] = re[k] + re[half - k];
    outIm[k] = im[k] - im[half - k];
  }
}

/** Overlap-save decimating filter: the kernel's spectrum and the block layout (see the file comment). */
class Decimator {
 public:
  Decimator(std::size_t factor, const SincOptions& o) : factor_(factor) {
    // g[factor (taps - 1 - k) + p] = row_p[k]: the rows interleaved into one filter at the input rate.
    const KernelRows rows(factor, o);
    const std::size_t taps = rows.taps();
    std::vector<double> g(factor * taps), row(taps);
    for (std::size_t p = 0; p < factor; ++p) {
      rows.row(p, row.data());
      for (std::size_t k = 0; k < taps; ++k) g[factor * (taps - 1 - k) + p] = row[k];
    }
    lead_ = factor * rows.half();
    // Four kernel lengths per block keeps the overlap (the part of each block recomputed) small. factor is a power
    // of two up to kMaxFftFactor, so the power-of-two block holds a whole number of outputs.
    n_ = 64;
    while (n_ < 4 * g.size()) n_ *= 2;
    outN_ = n_ / factor;
    perBlock_ = (n_ - g.size() + 1) / factor;
    fwd_ = realFftPlan(n_);
    inv_ = realFftPlan(outN_);
    const std::size_t bins = n_ / 2 + 1;
    // conj(G) / factor: a correlation with g, and the 1 / factor of the spectral fold.
    std::vector<double> padded(n_, 0.0), work(fwd_->workSize());
    std::copy(g.begin(), g.end(), padded.begin());
    kRe_.resize(bins);
    kIm_.resize(bins);
    fwd_->forward(padded.data(), kRe_.data(), kIm_.data(), work.data());
    const double inv = 1.0 / static_cast<double>(factor);
    for (std::size_t k = 0; k < bins; ++k) {
      kRe_[k] *= inv;
      kIm_[k] *= -inv;
    }
  }

  std::vector<float> run(const float* x, std::size_t n) const {
    const std::size_t nOut = (n + factor_ - 1) / factor_;
    std::vector<float> y(nOut);
    const std::size_t bins = n_ / 2 + 1, outBins = outN_ / 2 + 1;
    std::vector<double> work(std::max(fwd_->workSize(), inv_->workSize()));
    std::vector<double> re(bins), im(bins), foldRe(outBins), foldIm(outBins), block(outN_);
    const RealFft::Input in = fwd_->input(work.data());
    const std::ptrdiff_t len = static_cast<std::ptrdiff_t>(n);
    for (std::size_t m0 = 0; m0 < nOut; m0 += perBlock_) {
      // The block's first sample feeds output m0's first tap.
      const std::ptrdiff_t origin = static_cast<std::ptrdiff_t>(factor_ * m0) - static_cast<std::ptrdiff_t>(lead_);
      const std::size_t halfN = n_ / 2;
      if (origin >= 0 && origin + static_cast<std::ptrdiff_t>(n_) <= len) {
        splitBlock(x + origin, in.even, in.odd, halfN);
      } else {
        for (std::size_t j = 0; j < halfN; ++j) {
          const std::ptrdiff_t a = origin + static_cast<std::ptrdiff_t>(2 * j);
          in.even[j] = a >= 0 && a < len ? static_cast<double>(x[a]) : 0.0;
          in.odd[j] = a + 1 >= 0 && a + 1 < len ? static_cast<double>(x[a + 1]) : 0.0;
        }
      }
      fwd_->transformInput(re.data(), im.data(), nullptr, work.data());
      multiplySpectra(re.data(), im.data(), kRe_.data(), kIm_.data(), re.data(), im.data(), bins);
      fold(re.data(), im.data(), foldRe.data(), foldIm.data());
      inv_->inverse(foldRe.data(), foldIm.data(), block.data(), work.data());
      const std::size_t count = std::min(perBlock_, nOut - m0);
      for (std::size_t i = 0; i < count; ++i) y[m0 + i] = static_cast<float>(block[i]);
    }
    return y;
  }

 private:
  /**
   * Keeping every factor-th sample of a length-n signal sums its spectrum's factor aliases: D[k] = sum_q R[k + q n /
   * factor] (the 1 / factor is in the kernel), with R[j] = conj(R[n - j]) above n / 2 (R is a real signal's).
   */
  void fold(const double* re, const double* im, double* outRe, double* outIm) const {
    const std::size_t half = n_ / 2;
    if (factor_ == 2) {
      foldHalves(re, im, outRe, outIm, half);
      return;
    }
    for (std::size_t k = 0; k <= outN_ / 2; ++k) {
      double sr = 0, si = 0;
      for (std::size_t q = 0; q < factor_; ++q) {
        const std::size_t j = k + q * outN_;
        if (j <= half) {
          sr += re[j];
          si += im[j];
        } else {
          sr += re[n_ - j];
          si -= im[n_ - j];
        }
      }
      outRe[k] = sr;
      outIm[k] = si;
    }
  }

  std::size_t factor_;
  std::size_t lead_ = 0;      // factor * H: input samples before an output's own position that its filter reads
  std::size_t n_ = 0;         // FFT length of a block of input
  std::size_t outN_ = 0;      // n_ / factor: the block at the output rate
  std::size_t perBlock_ = 0;  // outputs a block completes
  std::shared_ptr<const RealFft> fwd_, inv_;
  std::vector<double> kRe_, kIm_;
};

}  // namespace

std::vector<float> downsample(const float* x, std::size_t n, std::size_t factor, const SincOptions& o) {
  if (factor <= 1) return std::vector<float>(x, x + n);
  // The CQT halves (and its early downsampling divides by a power of two); other factors keep the direct form.
  const bool powerOfTwo = (factor & (factor - 1)) == 0;
  if (!powerOfTwo || factor > kMaxFftFactor) return downsampleDirect(x, n, factor, o);
  using Key = std::tuple<std::size_t, double, std::size_t, double>;
  static auto* cache = new Cache<Key, Decimator>(8);  // leaked, see cache.hpp
  const Key key{factor, o.rolloff, o.zeroCrossings, o.kaiserBeta};
  const std::shared_ptr<const Decimator> d =
      cache->get(key, [factor, o] { return std::make_shared<const Decimator>(factor, o); });
  return d->run(x, n);
}

}  // namespace ser
