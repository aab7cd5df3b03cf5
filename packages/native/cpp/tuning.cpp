// librosa.piptrack + estimate_tuning + pitch_tuning (librosa/core/pitch.py, 0.10.1); see tuning.hpp.
#include "tuning.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common.hpp"

namespace ser {

namespace {

#if defined(__GNUC__)
typedef float Oct __attribute__((vector_size(8 * sizeof(float))));
typedef int OctMask __attribute__((vector_size(8 * sizeof(int))));
#endif

/** max over S[0..n) as std::max folds it (NaN-free input; a NaN only ever loses the comparisons). */
SER_HOT float frameMax(const float* __restrict S, std::size_t n) {
  float mx = S[0];
  std::size_t i = 1;
#if defined(__GNUC__)
  if (n >= 9) {
    Oct acc;
    std::memcpy(&acc, S + 1, sizeof acc);
    for (i = 9; i + 8 <= n; i += 8) {
      Oct v;
      std::memcpy(&v, S + i, sizeof v);
      acc = acc < v ? v : acc;
    }
    for (int l = 0; l < 8; ++l) mx = std::max(mx, acc[l]);
  }
#endif
  for (; i < n; ++i) mx = std::max(mx, S[i]);
  return mx;
}

/**
 * util.localmax of S * (S > ref) for interior bins i in [lo, hi) (hi < bins): x[i] > x[i-1] and x[i] >= x[i+1],
 * values at or below ref counting as 0. Flags in isMax[i].
 */
SER_HOT void localMax(const float* __restrict S, float ref, std::size_t lo, std::size_t hi,
                      unsigned char* __restrict isMax) {
  std::size_t i = lo;
#if defined(__GNUC__)
  const Oct refV = {ref, ref, ref, ref, ref, ref, ref, ref};
  const Oct zero = {};
  for (; i + 8 <= hi; i += 8) {
    Oct c, l, r;
    std::memcpy(&c, S + i, sizeof c);
    std::memcpy(&l, S + i - 1, sizeof l);
    std::memcpy(&r, S + i + 1, sizeof r);
    c = c > refV ? c : zero;
    l = l > refV ? l : zero;
    r = r > refV ? r : zero;
    const OctMask m = (c > l) & (c >= r);
    for (int k = 0; k < 8; ++k) isMax[i + static_cast<std::size_t>(k)] = m[k] != 0;
  }
#endif
  for (; i < hi; ++i) {
    const float c = S[i] > ref ? S[i] : 0.0f;
    const float l = S[i - 1] > ref ? S[i - 1] : 0.0f;
    const float r = S[i + 1] > ref ? S[i + 1] : 0.0f;
    isMax[i] = c > l && c >= r;
  }
}

/** Order-preserving key of a float: a larger float (NaN aside) has a larger key. */
std::uint32_t floatKey(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) != 0 ? ~u : (u | 0x80000000u);
}

/**
 * The values of ranks lo <= hi (0-based, ascending) of v, as nth_element would place them. A histogram of the
 * keys' top 16 bits finds the buckets holding those ranks; only the values in between are partitioned (a few
 * hundred of a minute's ~10^5 peaks, where a whole nth_element took about a millisecond).
 */
void twoRanks(const std::vector<float>& v, std::size_t lo, std::size_t hi, float& atLo, float& atHi) {
  constexpr std::size_t kBuckets = std::size_t{1} << 16;
  std::vector<std::uint32_t> counts(kBuckets, 0);
  for (float x : v) ++counts[floatKey(x) >> 16];
  std::size_t below = 0, bLo = 0;
  while (below + counts[bLo] <= lo) below += counts[bLo++];
  std::size_t bHi = bLo, upTo = below + counts[bLo];
  while (upTo <= hi) upTo += counts[++bHi];
  std::vector<float> middle;
  middle.reserve(upTo - below);
  for (float x : v) {
    const std::uint32_t b = floatKey(x) >> 16;
    if (b >= bLo && b <= bHi) middle.push_back(x);
  }
  auto at = [&](std::size_t rank) {
    const auto it = middle.begin() + static_cast<std::ptrdiff_t>(rank - below);
    std::nth_element(middle.begin(), it, middle.end());
    return *it;
  };
  atHi = at(hi);
  atLo = at(lo);
}

}  // namespace

TuningEstimator::TuningEstimator(std::size_t bins, double sampleRate, std::size_t nFft, std::size_t frames)
    : bins_(bins), sampleRate_(sampleRate), nFft_(nFft), isMax_(bins, 0), peakBins_(bins) {
  // piptrack's frequency mask: fmin <= fft_freqs < fmax, fmin = 150, fmax = min(4000, sr / 2)
  const double fmin = 150.0;
  const double fmax = std::min(4000.0, sampleRate / 2);
  iLo_ = bins;
  for (std::size_t k = 0; k < bins; ++k) {
    const double f = rfftFreq(nFft, sampleRate, k);
    if (fmin <= f && f < fmax) {
      iLo_ = std::min(iLo_, k);
      iHi_ = k + 1;
    }
  }
  iLo_ = std::max<std::size_t>(iLo_, 1);
  if (bins < 3 || iLo_ >= iHi_) iLo_ = iHi_ = 0;  // nothing to track
  // Local maxima are at least two bins apart: the most peaks a frame can add. Growing the vector instead copied
  // it over and over (about a hundred thousand peaks a minute of speech).
  peaks_.reserve(frames * ((iHi_ - iLo_ + 1) / 2));
}

void TuningEstimator::addFrame(const float* S) {
  if (iLo_ >= iHi_) return;
  const float ref = 0.1f * frameMax(S, bins_);  // threshold * np.max(S, axis=-2), float32
  const std::size_t last = bins_ - 1;
  const std::size_t interiorEnd = std::min(iHi_, last);
  localMax(S, ref, iLo_, interiorEnd, isMax_.data());
  if (iHi_ > last) {
    // the last bin only needs to exceed its left neighbour
    const float c = S[last] > ref ? S[last] : 0.0f;
    const float l = S[last - 1] > ref ? S[last - 1] : 0.0f;
    isMax_[last] = c > l;
  }
  // The peaks' bins first, gathered without a branch (a bin is a peak in no predictable pattern).
  std::size_t count = 0;
  for (std::size_t i = iLo_; i < iHi_; ++i) {
    peakBins_[count] = static_cast<std::uint32_t>(i);
    count += isMax_[i];
  }
  for (std::size_t p = 0; p < count; ++p) {
    const std::size_t i = peakBins_[p];
    // _parabolic_interpolation (numba stencil): float32 sums, float64 products/quotients, stored float32.
    float shift = 0.0f;
    float avg;
    if (i == last) {
      avg = (S[i] - S[i - 1]) / 1.0f;  // np.gradient edge
    } else {
      const double a = static_cast<double>(S[i + 1] + S[i - 1]) - 2.0 * static_cast<double>(S[i]);
      const double b = static_cast<double>(S[i + 1] - S[i - 1]) / 2.0;
      const float step = static_cast<float>(-b / a);  // discarded where |b| >= |a| (a may be 0 there)
      shift = std::fabs(b) >= std::fabs(a) ? 0.0f : step;
      avg = (S[i + 1] - S[i - 1]) / 2.0f;  // np.gradient interior, float32
    }
    const float dskew = (0.5f * avg) * shift;
    const float mag = S[i] + dskew;
    const float pitch = static_cast<float>((static_cast<double>(i) + static_cast<double>(shift)) * sampleRate_ /
                                           static_cast<double>(nFft_));
    if (pitch > 0.0f) peaks_.push_back({pitch, mag});  // estimate_tuning keeps pitch > 0 only
  }
}

double TuningEstimator::tuning(std::size_t binsPerOctave) const {
  if (peaks_.empty()) return 0.0;
  // threshold = np.median(mag[pitch > 0]) (float32; the mean of the two middle values for an even count)
  std::vector<float> mags(peaks_.size());
  for (std::size_t i = 0; i < peaks_.size(); ++i) mags[i] = peaks_[i].mag;
  const std::size_t h = mags.size() / 2;
  float lo = 0.0f, threshold = 0.0f;
  twoRanks(mags, h == 0 ? 0 : h - 1, h, lo, threshold);
  if (mags.size() % 2 == 0) {
    const float sum = lo + threshold;
    threshold = sum / 2.0f;
  }
  // pitch_tuning: residual = mod(bins_per_octave * hz_to_octs(f), 1) in float32; histogram over
  // np.linspace(-0.5, 0.5, 101); the left edge of the first fullest bin.
  constexpr std::size_t kEdges = 101;
  double edges[kEdges];
  for (std::size_t i = 0; i < kEdges; ++i) edges[i] = linspaceAt(-0.5, 0.5, kEdges, i);
  std::size_t counts[kEdges - 1] = {};
  const float bpo = static_cast<float>(binsPerOctave);
  // About half the peaks pass the threshold, in no predictable order: their pitches are gathered without a branch.
  std::vector<float>& pitches = mags;
  std::size_t kept = 0;
  for (const Peak& c : peaks_) {
    pitches[kept] = c.pitch;
    kept += c.mag >= threshold;
  }
  bool any = false;
  for (std::size_t i = 0; i < kept; ++i) {
    const float q = pitches[i] / 27.5f;  // A440 / 16 with tuning 0
    const float octs = std::log2(q);
    const float v32 = bpo * octs;
    float r = v32 >= 0.0f ? v32 - std::trunc(v32) : pyModF(v32, 1.0f);  // == fmodf(v, 1) exactly for v >= 0
    r -= r >= 0.5f ? 1.0f : 0.0f;
    const double v = static_cast<double>(r);
    if (v < edges[0] || v > edges[kEdges - 1]) continue;
    // bin i holds edges[i] <= v < edges[i + 1] (the last one also v == 0.5): a guess, then exact comparisons.
    std::ptrdiff_t bin = static_cast<std::ptrdiff_t>((v + 0.5) * 100.0);
    if (bin > static_cast<std::ptrdiff_t>(kEdges) - 2) bin = static_cast<std::ptrdiff_t>(kEdges) - 2;
    if (bin < 0) bin = 0;
    while (bin > 0 && v < edges[bin]) --bin;
    while (bin < static_cast<std::ptrdiff_t>(kEdges) - 2 && v >= edges[bin + 1]) ++bin;
    ++counts[bin];
    any = true;
  }
  if (!any) return 0.0;
  std::size_t best = 0;
  for (std::size_t i = 1; i < kEdges - 1; ++i)
    if (counts[i] > counts[best]) best = i;
  return edges[best];
}

double estimateTuning(const float* mag, std::size_t frames, std::size_t bins, double sampleRate, std::size_t nFft,
                      std::size_t binsPerOctave) {
  TuningEstimator est(bins, sampleRate, nFft, frames);
  for (std::size_t t = 0; t < frames; ++t) est.addFrame(mag + t * bins);
  return est.tuning(binsPerOctave);
}

}  // namespace ser
