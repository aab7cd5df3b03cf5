// |CQT| as librosa 0.10.1's vqt computes it for chroma_cqt, ported from the TypeScript twin (features/ts/cqt.ts),
// whose comments walk through librosa's steps. The one deliberate difference from librosa: the 2:1 halvings use our
// own Kaiser-windowed sinc (downsample.cpp) instead of libsoxr, with soxr_hq's transition band imitated.
#include "cqt.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>

#include "cache.hpp"
#include "common.hpp"
#include "downsample.hpp"
#include "fft.hpp"

namespace ser {

namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;
/** filters.WINDOW_BANDWIDTHS['hann']: the top filter's main-lobe reach. */
constexpr double kHannBandwidth = 1.50018310546875;
constexpr double kFloat64Tiny = 2.2250738585072014e-308;
/** cqt.ts HALVING_RESAMPLER: soxr_hq's passband end and stopband start, a Kaiser beta with its transition shape. */
const SincOptions kHalving{0.9569, 64, 9.0};
/** util.sparsify_rows quantile (librosa's default sparsity). */
constexpr double kSparsity = 0.01;

/** librosa.resample(y, orig_sr=factor, target_sr=1, scale=True): the downsampled signal times sqrt(factor). */
std::vector<float> downsampleScaled(const float* y, std::size_t n, std::size_t factor) {
  std::vector<float> out = downsample(y, n, factor, kHalving);
  const double gain = std::sqrt(static_cast<double>(factor));
  for (float& v : out) v = static_cast<float>(static_cast<double>(v) * gain);
  return out;
}

std::size_t twoFactors(std::size_t x) {
  std::size_t n = 0;
  while (x > 0 && x % 2 == 0) {
    ++n;
    x /= 2;
  }
  return n;
}

/** The signal-independent layout of a CQT: frequencies, bandwidths, rates, hops and FFT sizes per octave. */
struct Layout {
  std::vector<double> freqs, alpha;
  double cutoff = 0;
  std::size_t early = 0;
  double sr = 0;  // after early downsampling
  struct Oct {
    std::size_t lo = 0, hi = 0, hop = 0, nFft = 0;
    double sr = 0;
    bool halveAfter = false;
  };
  std::vector<Oct> octaves;
};

/** filters.wavelet_lengths (gamma 0, filter_scale 1): Q * sr / f with Q = 1 / alpha. */
double waveletLength(double alpha, double sr, double freq) { return ((1.0 / alpha) * sr) / freq; }

Layout layout(const CqtParams& p) {
  Layout L;
  const std::size_t nBins = p.nBins;
  const std::size_t bpo = p.binsPerOctave;
  const double bpoD = static_cast<double>(bpo);
  const std::size_t nOctaves = (nBins + bpo - 1) / bpo;
  const std::size_t nFilters = std::min(bpo, nBins);
  // convert.interval_frequencies(equal): fmin * 2^(tuning / bpo) * 2^octave * 2^(step / bpo)
  const double fmin = p.fmin * std::pow(2.0, p.tuning / bpoD);
  L.freqs.resize(nBins);
  for (std::size_t k = 0; k < nBins; ++k) {
    const std::size_t octave = k / bpo;
    const std::size_t step = k - octave * bpo;
    L.freqs[k] = std::pow(2.0, static_cast<double>(octave)) * std::pow(2.0, static_cast<double>(step) / bpoD) * fmin;
  }
  // filters._relative_bandwidth: alpha from the local log-frequency spacing
  auto fromBpo = [](double b) {
    const double r = std::pow(2.0, 2 / b);
    return (r - 1) / (r + 1);
  };
  L.alpha.resize(nBins);
  if (nBins == 1) {
    L.alpha[0] = fromBpo(bpoD);
  } else {
    std::vector<double> logf(nBins);
    for (std::size_t k = 0; k < nBins; ++k) logf[k] = std::log2(L.freqs[k]);
    for (std::size_t k = 0; k < nBins; ++k) {
      double b;
      if (k == 0) {
        b = 1 / (logf[1] - logf[0]);
      } else if (k == nBins - 1) {
        b = 1 / (logf[nBins - 1] - logf[nBins - 2]);
      } else {
        b = 2 / (logf[k + 1] - logf[k - 1]);
      }
      L.alpha[k] = fromBpo(b);
    }
  }
  for (std::size_t k = 0; k < nBins; ++k) {
    const double q = 1.0 / L.alpha[k];
    L.cutoff = std::max(L.cutoff, L.freqs[k] * (1 + (0.5 * kHannBandwidth) / q));
  }
  const double nyquist = p.sampleRate / 2;
  if (!(L.cutoff <= nyquist)) return L;  // checkCqt reports it
  // constantq.__early_downsample_count
  const double count1 = std::max(0.0, std::ceil(std::log2(nyquist / L.cutoff)) - 1 - 1);
  const double count2 = std::max(0.0, static_cast<double>(twoFactors(p.hopLength)) - static_cast<double>(nOctaves) + 1);
  L.early = static_cast<std::size_t>(std::min(count1, count2));
  const std::size_t factor = std::size_t{1} << L.early;
  L.sr = p.sampleRate / static_cast<double>(factor);
  std::size_t hop = p.hopLength / factor;
  double mySr = L.sr;
  for (std::size_t i = 0; i < nOctaves; ++i) {
    Layout::Oct o;
    o.hi = nBins - nFilters * i;
    o.lo = nBins > nFilters * (i + 1) ? nBins - nFilters * (i + 1) : 0;
    o.hop = hop;
    o.sr = mySr;
    double maxLength = 0;
    for (std::size_t k = o.lo; k < o.hi; ++k) maxLength = std::max(maxLength, waveletLength(L.alpha[k], mySr, L.freqs[k]));
    const double e = std::ceil(std::log2(maxLength));
    o.nFft = e > 62 ? ~std::size_t{0} : std::size_t{1} << static_cast<unsigned>(std::max(0.0, e));
    o.halveAfter = hop % 2 == 0;
    if (o.halveAfter) {
      hop /= 2;
      mySr /= 2;
    }
    L.octaves.push_back(o);
  }
  return L;
}

std::size_t frameCountOf(const Layout& L, std::size_t n) {
  std::size_t len = n;
  if (L.early > 0) len = (len + (std::size_t{1} << L.early) - 1) >> L.early;
  std::size_t frames = ~std::size_t{0};
  for (const Layout::Oct& o : L.octaves) {
    frames = std::min(frames, 1 + len / o.hop);
    if (o.halveAfter) len = (len + 1) / 2;
  }
  return frames;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

void checkCqt(const CqtParams& p, std::size_t nSamples) {
  const Layout L = layout(p);
  const double nyquist = p.sampleRate / 2;
  if (!(L.cutoff <= nyquist)) {
    throwRange("request.chromaCqt: the top CQT filter reaches " + num(L.cutoff) + " Hz, above the Nyquist frequency " +
               num(nyquist) + " Hz; lower fmin or nOctaves");
  }
  std::size_t maxFft = 0;
  double work = 0;
  const double frames = static_cast<double>(frameCountOf(L, nSamples));
  for (const Layout::Oct& o : L.octaves) {
    maxFft = std::max(maxFft, o.nFft);
    work += frames * static_cast<double>(o.nFft);
  }
  if (maxFft > kMaxCqtFft) {
    throwRange("request.chromaCqt: the lowest CQT filters need an FFT of " + std::to_string(maxFft) +
               " samples, above the limit of " + std::to_string(kMaxCqtFft) +
               "; raise fmin, or use a hopLength divisible by 2^(nOctaves - 1) so that every octave is computed at "
               "half the rate of the one above");
  }
  if (work > kMaxCqtWork) {
    throwRange("request.chromaCqt: " + std::to_string(static_cast<std::size_t>(frames)) +
               " CQT frames with these filters are too much work for one call; use a larger hopLength or split the "
               "signal into chunks");
  }
  if (L.early > 0 && nSamples < (std::size_t{1} << L.early)) {
    throwRange("samples: " + std::to_string(nSamples) + " samples are too short for this CQT (it first downsamples by " +
               std::to_string(std::size_t{1} << L.early) + ")");
  }
}

CqtPlan::CqtPlan(const CqtParams& p) : nBins_(p.nBins) {
  const Layout L = layout(p);
  if (!(L.cutoff <= p.sampleRate / 2)) throwRange("request.chromaCqt: the top CQT filter is above Nyquist");
  earlyDownsamples_ = L.early;

  for (const Layout::Oct& lo : L.octaves) {
    if (lo.nFft > kMaxCqtFft) throwRange("request.chromaCqt: CQT FFT too long");
    Octave oct;
    oct.firstBin = lo.lo;
    oct.nFilters = lo.hi - lo.lo;
    oct.nFft = lo.nFft;
    oct.hop = lo.hop;
    oct.halveAfter = lo.halveAfter;
    // __vqt_filter_fft at rate lo.sr: filters.wavelet (pad_fft) scaled by length / n_fft, FFT, bins 0..n_fft/2,
    // util.sparsify_rows, times vqt's sqrt(sr / my_sr).
    const std::size_t nFft = lo.nFft;
    const std::size_t nKeep = nFft / 2 + 1;
    const double gain = std::sqrt(L.sr / lo.sr);
    const std::shared_ptr<const ComplexFft> fft = complexFftPlan(nFft);
    std::vector<double> bufRe(nFft), bufIm(nFft), work(fft->workSize()), mags(nKeep), sorted(nKeep);
    std::vector<double> sigRe, sigIm, window;
    oct.rowStart.push_back(0);
    for (std::size_t k = lo.lo; k < lo.hi; ++k) {
      const double ilen = waveletLength(L.alpha[k], lo.sr, L.freqs[k]);
      const double freq = L.freqs[k];
      // np.arange(-ilen // 2, ilen // 2) (Python floor division of a float)
      const double first = std::floor(-ilen / 2);
      const std::size_t count = static_cast<std::size_t>(std::floor(ilen / 2) - first);
      sigRe.assign(count, 0.0);
      sigIm.assign(count, 0.0);
      // scipy get_window('hann', count, fftbins=True): 0.5 + 0.5 cos(linspace(-pi, pi, count + 1)), last dropped
      window.assign(count, 1.0);
      if (count > 1) {
        for (std::size_t j = 0; j < count; ++j) window[j] = 0.5 + 0.5 * std::cos(linspaceAt(-kPi, kPi, count + 1, j));
      }
      double length = 0;
      for (std::size_t j = 0; j < count; ++j) {
        // util.phasor(arange * 2 * pi * freq / sr), evaluated left to right as numpy does
        const double angle = (((first + static_cast<double>(j)) * 2 * kPi) * freq) / lo.sr;
        sigRe[j] = std::cos(angle) * window[j];
        sigIm[j] = std::sin(angle) * window[j];
      }
      // util.normalize(norm=1): divide by the L1 norm unless it is below tiny(float64)
      for (std::size_t j = 0; j < count; ++j) length += std::sqrt(sigRe[j] * sigRe[j] + sigIm[j] * sigIm[j]);
      if (!(length < kFloat64Tiny)) {
        for (std::size_t j = 0; j < count; ++j) {
          sigRe[j] = sigRe[j] / length;
          sigIm[j] = sigIm[j] / length;
        }
      }
      // util.pad_center(size=n_fft), basis *= lengths / n_fft
      std::fill(bufRe.begin(), bufRe.end(), 0.0);
      std::fill(bufIm.begin(), bufIm.end(), 0.0);
      const std::size_t left = (nFft - count) / 2;
      const double s = ilen / static_cast<double>(nFft);
      for (std::size_t j = 0; j < count; ++j) {
        bufRe[left + j] = sigRe[j] * s;
        bufIm[left + j] = sigIm[j] * s;
      }
      fft->forward(bufRe.data(), bufIm.data(), work.data());
      // util.sparsify_rows: keep the bins whose magnitude reaches the one where the sorted cumulative L1 share
      // first reaches the quantile.
      double total = 0;
      for (std::size_t b = 0; b < nKeep; ++b) {
        mags[b] = std::sqrt(bufRe[b] * bufRe[b] + bufIm[b] * bufIm[b]);
        sorted[b] = mags[b];
        total += mags[b];
      }
      std::sort(sorted.begin(), sorted.end());
      std::size_t cut = 0;
      double cumulative = 0;
      for (std::size_t b = 0; b < nKeep; ++b) {
        cumulative += sorted[b] / total;
        if (!(cumulative < kSparsity)) {
          cut = b;
          break;
        }
      }
      const double threshold = sorted[cut];
      for (std::size_t b = 0; b < nKeep; ++b) {
        if (mags[b] >= threshold) {
          oct.col.push_back(static_cast<std::uint32_t>(b));
          oct.re.push_back(bufRe[b] * gain);
          oct.im.push_back(bufIm[b] * gain);
        }
      }
      oct.rowStart.push_back(static_cast<std::uint32_t>(oct.col.size()));
    }
    octaves_.push_back(std::move(oct));
  }
  // scale=True: divide by sqrt(lengths), recomputed at the (early-downsampled) rate
  binScale_.resize(nBins_);
  for (std::size_t k = 0; k < nBins_; ++k) binScale_[k] = 1 / std::sqrt(waveletLength(L.alpha[k], L.sr, L.freqs[k]));
}

std::size_t CqtPlan::frameCount(std::size_t n) const {
  std::size_t len = n;
  if (earlyDownsamples_ > 0) len = (len + (std::size_t{1} << earlyDownsamples_) - 1) >> earlyDownsamples_;
  std::size_t frames = ~std::size_t{0};
  for (const Octave& o : octaves_) {
    frames = std::min(frames, 1 + len / o.hop);
    if (o.halveAfter) len = (len + 1) / 2;
  }
  return frames;
}

LargeVector<double> CqtPlan::magnitude(const float* y, std::size_t n, std::size_t& frames) const {
  frames = frameCount(n);
  LargeVector<double> out(nBins_ * frames);
  std::vector<float> signal;
  const float* sig = y;
  std::size_t len = n;
  if (earlyDownsamples_ > 0) {
    const std::size_t factor = std::size_t{1} << earlyDownsamples_;
    if (n < factor) throwRange("samples: the signal is too short for this CQT");
    signal = downsampleScaled(y, n, factor);
    sig = signal.data();
    len = signal.size();
  }
  for (std::size_t i = 0; i < octaves_.size(); ++i) {
    response(sig, len, octaves_[i], frames, out.data());
    // The last octave's halving is never used; skip it.
    if (octaves_[i].halveAfter && i + 1 < octaves_.size()) {
      std::vector<float> next = downsampleScaled(sig, len, 2);
      signal.swap(next);
      sig = signal.data();
      len = signal.size();
    }
  }
  return out;
}

namespace {

/** Frames whose filter-bank products run side by side, one per lane. */
constexpr std::size_t kLanes = 8;

#if defined(__GNUC__)
typedef double Quad __attribute__((vector_size(4 * sizeof(double))));
#endif

/**
 * The sparse bank times kLanes spectra at once: spec[(k - firstCol) * kLanes + lane] holds bin k of the lane's
 * frame. Each lane sums its products in the bank's order, as a frame-by-frame loop would, so the lanes change
 * nothing but the speed. out[f * kLanes + lane] = |response| of filter f.
 */
SER_HOT void bankProducts(const std::uint32_t* __restrict rowStart, const std::uint32_t* __restrict col,
                          const double* __restrict bRe, const double* __restrict bIm, std::size_t nFilters,
                          std::size_t firstCol, const double* __restrict specRe, const double* __restrict specIm,
                          double* __restrict out) {
  for (std::size_t f = 0; f < nFilters; ++f) {
#if defined(__GNUC__)
    Quad sr0 = {}, sr1 = {}, si0 = {}, si1 = {};
    for (std::uint32_t e = rowStart[f]; e < rowStart[f + 1]; ++e) {
      const double* xr = specRe + (col[e] - firstCol) * kLanes;
      const double* xi = specIm + (col[e] - firstCol) * kLanes;
      Quad r0, r1, i0, i1;
      std::memcpy(&r0, xr, sizeof r0);
      std::memcpy(&r1, xr + 4, sizeof r1);
      std::memcpy(&i0, xi, sizeof i0);
      std::memcpy(&i1, xi + 4, sizeof i1);
      const double br = bRe[e], bi = bIm[e];
      sr0 += br * r0 - bi * i0;
      sr1 += br * r1 - bi * i1;
      si0 += br * i0 + bi * r0;
      si1 += br * i1 + bi * r1;
    }
    const Quad m0 = sr0 * sr0 + si0 * si0, m1 = sr1 * sr1 + si1 * si1;
    for (std::size_t l = 0; l < 4; ++l) {
      out[f * kLanes + l] = std::sqrt(m0[l]);
      out[f * kLanes + 4 + l] = std::sqrt(m1[l]);
    }
#else
    double sr[kLanes] = {}, si[kLanes] = {};
    for (std::uint32_t e = rowStart[f]; e < rowStart[f + 1]; ++e) {
      const double* xr = specRe + (col[e] - firstCol) * kLanes;
      const double* xi = specIm + (col[e] - firstCol) * kLanes;
      const double br = bRe[e], bi = bIm[e];
      for (std::size_t l = 0; l < kLanes; ++l) {
        sr[l] += br * xr[l] - bi * xi[l];
        si[l] += br * xi[l] + bi * xr[l];
      }
    }
    for (std::size_t l = 0; l < kLanes; ++l) out[f * kLanes + l] = std::sqrt(sr[l] * sr[l] + si[l] * si[l]);
#endif
  }
}

}  // namespace

void CqtPlan::response(const float* y, std::size_t n, const Octave& oct, std::size_t frames, double* out) const {
  // __cqt_response: frames of the zero-padded signal (center=True, rectangular window), rfft, sparse dot with the
  // bank; |response| times the bin's length scale. Frames go through the bank kLanes at a time.
  const std::size_t nFft = oct.nFft;
  const std::size_t half = nFft / 2;
  const std::shared_ptr<const RealFft> fft = realFftPlan(nFft);
  const std::size_t firstCol = oct.col.empty() ? 0 : *std::min_element(oct.col.begin(), oct.col.end());
  const std::size_t lastCol = oct.col.empty() ? 0 : *std::max_element(oct.col.begin(), oct.col.end());
  const std::size_t span = lastCol - firstCol + 1;
  std::vector<double> work(fft->workSize());
  std::vector<double> specRe(span * kLanes, 0.0), specIm(span * kLanes, 0.0), mags(oct.nFilters * kLanes);
  const RealFft::Input in = fft->input(work.data());
  const std::ptrdiff_t len = static_cast<std::ptrdiff_t>(n);
  for (std::size_t t0 = 0; t0 < frames; t0 += kLanes) {
    const std::size_t count = std::min(kLanes, frames - t0);
    for (std::size_t l = 0; l < count; ++l) {
      const std::size_t t = t0 + l;
      const std::ptrdiff_t origin = static_cast<std::ptrdiff_t>(t * oct.hop) - static_cast<std::ptrdiff_t>(half);
      if (origin >= 0 && origin + static_cast<std::ptrdiff_t>(nFft) <= len) {
        const float* x = y + origin;
        for (std::size_t j = 0; j < half; ++j) {
          in.even[j] = static_cast<double>(x[2 * j]);
          in.odd[j] = static_cast<double>(x[2 * j + 1]);
        }
      } else {
        for (std::size_t j = 0; j < half; ++j) {
          const std::ptrdiff_t a = origin + static_cast<std::ptrdiff_t>(2 * j);
          in.even[j] = a >= 0 && a < len ? static_cast<double>(y[a]) : 0.0;
          in.odd[j] = a + 1 >= 0 && a + 1 < len ? static_cast<double>(y[a + 1]) : 0.0;
        }
      }
      fft->transformInputBand(specRe.data() + l, specIm.data() + l, firstCol, span, kLanes, work.data());
    }
    bankProducts(oct.rowStart.data(), oct.col.data(), oct.re.data(), oct.im.data(), oct.nFilters, firstCol,
                 specRe.data(), specIm.data(), mags.data());
    for (std::size_t f = 0; f < oct.nFilters; ++f) {
      const std::size_t bin = oct.firstBin + f;
      double* row = out + bin * frames + t0;
      for (std::size_t l = 0; l < count; ++l) row[l] = mags[f * kLanes + l] * binScale_[bin];
    }
  }
}

std::shared_ptr<const CqtPlan> cqtPlan(const CqtParams& p) {
  using Key = std::tuple<double, std::size_t, double, std::size_t, std::size_t, double>;
  static auto* cache = new Cache<Key, CqtPlan>(16);  // leaked, see cache.hpp
  const Key key{p.sampleRate, p.hopLength, p.fmin, p.nBins, p.binsPerOctave, p.tuning};
  return cache->get(key, [p] { return std::make_shared<const CqtPlan>(p); });
}

}  // namespace ser
