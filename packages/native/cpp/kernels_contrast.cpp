// librosa.feature.spectral_contrast on the magnitude STFT (linear=False).
#include <algorithm>
#include <cstring>
#include <memory>

#include "common.hpp"

#include "filters.hpp"
#include "pipeline.hpp"

namespace ser {

namespace {

constexpr std::size_t kSmall = 16;  // largest idx kept in sorted lists; above it, nth_element

#if defined(__GNUC__)
typedef float Oct __attribute__((vector_size(8 * sizeof(float))));
typedef int OctMask __attribute__((vector_size(8 * sizeof(int))));
#endif

/** The idx smallest values (ascending in lo) and idx largest (descending in hi) seen so far, idx <= kSmall. */
struct Extremes {
  float lo[kSmall], hi[kSmall];
  std::size_t idx, nlo = 0, nhi = 0;
  explicit Extremes(std::size_t i) : idx(i) {}

  void addLow(float v) {
    if (nlo < idx || v < lo[nlo - 1]) {
      std::size_t p = nlo < idx ? nlo++ : idx - 1;
      while (p > 0 && lo[p - 1] > v) {
        lo[p] = lo[p - 1];
        --p;
      }
      lo[p] = v;
    }
  }
  void addHigh(float v) {
    if (nhi < idx || v > hi[nhi - 1]) {
      std::size_t p = nhi < idx ? nhi++ : idx - 1;
      while (p > 0 && hi[p - 1] < v) {
        hi[p] = hi[p - 1];
        --p;
      }
      hi[p] = v;
    }
  }
};

#if defined(__GNUC__)
typedef long long Lanes64 __attribute__((vector_size(8 * sizeof(float))));

/**
 * Feeds e only the values that can be among the idx smallest or largest (idx <= kSmall). Any idx disjoint groups
 * bound them: the idx-th smallest group minimum is at least the idx-th smallest value (each of those groups holds
 * a value at or below it), and likewise for the largest. The groups are the kSmall strided lanes x[kSmall j + l],
 * found with vertical min / max. The lists then hold the same values as after feeding everything (ties are equal
 * values), so the sums are the same. lows / highs: scratch for len + 1 floats each. Returns false when the band is
 * too short for the groups or (NaN-filled input) a list did not fill.
 */
SER_HOT bool scanBounded(const float* __restrict x, std::size_t len, Extremes& e, float* __restrict lows,
                         float* __restrict highs) {
  static_assert(kSmall == 16, "two vectors of eight lanes");
  if (len < 2 * kSmall) return false;
  Oct lo0, lo1;
  std::memcpy(&lo0, x, sizeof lo0);
  std::memcpy(&lo1, x + 8, sizeof lo1);
  Oct hi0 = lo0, hi1 = lo1;
  std::size_t i = kSmall;
  for (; i + kSmall <= len; i += kSmall) {
    Oct a, b;
    std::memcpy(&a, x + i, sizeof a);
    std::memcpy(&b, x + i + 8, sizeof b);
    lo0 = a < lo0 ? a : lo0;
    lo1 = b < lo1 ? b : lo1;
    hi0 = a > hi0 ? a : hi0;
    hi1 = b > hi1 ? b : hi1;
  }
  float laneLo[kSmall], laneHi[kSmall];
  std::memcpy(laneLo, &lo0, sizeof lo0);
  std::memcpy(laneLo + 8, &lo1, sizeof lo1);
  std::memcpy(laneHi, &hi0, sizeof hi0);
  std::memcpy(laneHi + 8, &hi1, sizeof hi1);
  for (std::size_t l = 0; i + l < len; ++l) {
    laneLo[l] = std::min(laneLo[l], x[i + l]);
    laneHi[l] = std::max(laneHi[l], x[i + l]);
  }
  Extremes bounds(e.idx);
  for (std::size_t l = 0; l < kSmall; ++l) {
    bounds.addLow(laneLo[l]);
    bounds.addHigh(laneHi[l]);
  }
  const float loBound = bounds.lo[e.idx - 1], hiBound = bounds.hi[e.idx - 1];
  // The candidates are gathered without a branch per value (which of them pass is unpredictable), then sorted in.
  std::size_t nLow = 0, nHigh = 0;
  for (i = 0; i + 8 <= len; i += 8) {
    Oct v;
    std::memcpy(&v, x + i, sizeof v);
    const OctMask hit = (v <= loBound) | (v >= hiBound);
    Lanes64 any;
    std::memcpy(&any, &hit, sizeof any);
    if ((any[0] | any[1] | any[2] | any[3]) == 0) continue;
    for (std::size_t l = 0; l < 8; ++l) {
      const float c = x[i + l];
      lows[nLow] = c;
      nLow += c <= loBound;
      highs[nHigh] = c;
      nHigh += c >= hiBound;
    }
  }
  for (; i < len; ++i) {
    lows[nLow] = x[i];
    nLow += x[i] <= loBound;
    highs[nHigh] = x[i];
    nHigh += x[i] >= hiBound;
  }
  for (std::size_t c = 0; c < nLow; ++c) e.addLow(lows[c]);
  for (std::size_t c = 0; c < nHigh; ++c) e.addHigh(highs[c]);
  return e.nlo == e.idx && e.nhi == e.idx;
}
#endif

/** e gets the idx smallest and largest of x[0..len), idx <= len; scratch: 2 (len + 1) floats. */
void scanExtremes(const float* x, std::size_t len, Extremes& e, float* scratch) {
#if defined(__GNUC__)
  {
    Extremes fast(e.idx);
    if (scanBounded(x, len, fast, scratch, scratch + len + 1)) {
      e = fast;
      return;
    }
  }
#else
  (void)scratch;
#endif
  for (std::size_t i = 0; i < len; ++i) {
    e.addLow(x[i]);
    e.addHigh(x[i]);
  }
}

/**
 * Sums of the idx smallest and the idx largest values of x[0..len) (idx < len), as np.sort then
 * sortedr[:idx] / sortedr[-idx:] select them. Small idx (the usual 1..10): sorted lists of the candidates; larger
 * ones partition a copy. scratch: 2 (len + 1) floats.
 */
void extremeSums(const float* x, std::size_t len, std::size_t idx, float* scratch, double& low, double& high) {
  if (idx <= kSmall) {
    Extremes e(idx);
    scanExtremes(x, len, e, scratch);
    low = 0.0;
    high = 0.0;
    for (std::size_t i = 0; i < idx; ++i) {
      low += e.lo[i];
      high += e.hi[i];
    }
    return;
  }
  const auto cut = static_cast<std::ptrdiff_t>(idx);
  std::copy(x, x + len, scratch);
  float* first = scratch;
  float* last = scratch + len;
  std::nth_element(first, first + (cut - 1), last);
  low = 0.0;
  for (float* it = first; it != first + cut; ++it) low += *it;
  std::nth_element(first, last - cut, last);
  high = 0.0;
  for (float* it = last - cut; it != last; ++it) high += *it;
}

class ContrastKernel : public FeatureKernel, public FrameConsumer {
 public:
  explicit ContrastKernel(Pipeline& p) : p_(p) {
    bands_ = contrastBands(p.sampleRate(), p.nFftFromBins(), p.bins(), p.request().contrast);
    std::size_t widest = 0;
    for (const ContrastBand& b : bands_) widest = std::max(widest, b.end - b.begin);
    buf_.resize(2 * (widest + 1));
    peak_.assign(bands_.size() * p.frames(), 0.0);
    valley_.assign(bands_.size() * p.frames(), 0.0);
    p.needMagnitude32();
    p.addConsumer(this);
  }

  void consume(std::size_t t, const Spectrum& s) override {
    const std::size_t frames = p_.frames();
    for (std::size_t k = 0; k < bands_.size(); ++k) {
      const ContrastBand& b = bands_[k];
      const std::size_t len = b.end - b.begin;
      const float* band = s.mag32 + b.begin;
      // np.sort + mean of sortedr[:idx] / sortedr[-idx:] (idx beyond the band takes the whole band)
      const std::size_t idx = std::min(b.idx, len);
      double lowSum = 0.0, highSum = 0.0;
      if (idx < len) {
        extremeSums(band, len, idx, buf_.data(), lowSum, highSum);
      } else {
        for (std::size_t i = 0; i < len; ++i) lowSum += band[i];
        highSum = lowSum;
      }
      valley_[k * frames + t] = lowSum / static_cast<double>(idx);
      peak_[k * frames + t] = highSum / static_cast<double>(idx);
    }
  }

  void finish(FeatureOutput& out) override {
    // power_to_db with librosa's defaults (ref 1, amin 1e-10, top_db 80) on the WHOLE peak and valley matrices
    powerToDb(peak_, 1e-10, 80.0);
    powerToDb(valley_, 1e-10, 80.0);
    Matrix m(bands_.size(), p_.frames());
    for (std::size_t i = 0; i < peak_.size(); ++i) m.data[i] = static_cast<float>(peak_[i] - valley_[i]);
    out.matrices.emplace_back(FeatureId::Contrast, std::move(m));
  }

 private:
  Pipeline& p_;
  std::vector<ContrastBand> bands_;
  std::vector<float> buf_;
  std::vector<double> peak_, valley_;
};

}  // namespace

std::unique_ptr<FeatureKernel> makeContrastKernel(Pipeline& p) { return std::make_unique<ContrastKernel>(p); }

}  // namespace ser
