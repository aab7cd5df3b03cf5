// The harmonic part by median-filtering HPSS (see HarmonicStage in hpss.hpp).
#include "hpss.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common.hpp"
#include "istft.hpp"
#include "median.hpp"
#include "memory.hpp"

namespace ser {

namespace {

/** librosa's magnitudes are float32, so util.softmask compares with float32's tiny. */
constexpr double kFloat32Tiny = 1.1754943508222875e-38;

#if defined(__GNUC__)
// Explicit vectors: GCC does not if-convert the selects below on its own (their comparisons may trap under the
// default -ftrapping-math), so the plain loops would stay scalar.
typedef double Quad __attribute__((vector_size(4 * sizeof(double))));
typedef float Quad32 __attribute__((vector_size(4 * sizeof(float))));
typedef long long QuadMask __attribute__((vector_size(4 * sizeof(long long))));
#endif

/**
 * D *= softmask(harm, margin * perc, 2, splitZeros) for one frame. With z = max(x, ref) one of x/z and ref/z is
 * exactly 1, so softmask's (x/z)^2 / ((x/z)^2 + (ref/z)^2) is num / (1 + r^2) with r = min / max and num = 1 or
 * r^2: the same operations on the same values, two divisions instead of three, and no branch.
 */
SER_HOT void applySquareMask(const float* __restrict harm, const float* __restrict perc, double margin,
                             double zeroValue, double* __restrict re, double* __restrict im, std::size_t n) {
  std::size_t k = 0;
#if defined(__GNUC__)
  const Quad one = {1.0, 1.0, 1.0, 1.0};
  const Quad tiny = {kFloat32Tiny, kFloat32Tiny, kFloat32Tiny, kFloat32Tiny};
  const Quad zero = {zeroValue, zeroValue, zeroValue, zeroValue};
  for (; k + 4 <= n; k += 4) {
    Quad32 h32, q32;
    std::memcpy(&h32, harm + k, sizeof h32);
    std::memcpy(&q32, perc + k, sizeof q32);
    const Quad x = __builtin_convertvector(h32, Quad);
    const Quad ref = __builtin_convertvector(q32, Quad) * margin;
    const QuadMask xBigger = x > ref;
    const Quad z = xBigger ? x : ref;
    const Quad r = (xBigger ? ref : x) / z;  // 0 / 0 where z is 0: discarded below
    const Quad m = r * r;
    const Quad q = (xBigger ? one : m) / (one + m);
    const Quad mask = z < tiny ? zero : q;
    Quad a, b;
    std::memcpy(&a, re + k, sizeof a);
    std::memcpy(&b, im + k, sizeof b);
    a *= mask;
    b *= mask;
    std::memcpy(re + k, &a, sizeof a);
    std::memcpy(im + k, &b, sizeof b);
  }
#endif
  for (; k < n; ++k) {
    const double x = static_cast<double>(harm[k]);
    const double ref = static_cast<double>(perc[k]) * margin;
    const bool xBigger = x > ref;
    const double z = xBigger ? x : ref;
    const double r = (xBigger ? ref : x) / z;
    const double m = r * r;
    const double q = (xBigger ? 1.0 : m) / (1.0 + m);
    const double mask = z < kFloat32Tiny ? zeroValue : q;
    re[k] *= mask;
    im[k] *= mask;
  }
}

// |D| in float32 from |D|^2, saturated at float32's largest value rather than infinite, so that an absurdly loud
// input cannot turn the mask into inf / inf.
SER_HOT void magnitudeFloat(const double* __restrict power, float* __restrict mag, std::size_t n) {
  constexpr double kMax = std::numeric_limits<float>::max();
  std::size_t k = 0;
#if defined(__GNUC__)
  const Quad top = {kMax, kMax, kMax, kMax};
  for (; k + 4 <= n; k += 4) {
    Quad p;
    std::memcpy(&p, power + k, sizeof p);
    Quad m;
    for (int i = 0; i < 4; ++i) m[i] = std::sqrt(p[i]);
    m = m < top ? m : top;
    const Quad32 f = __builtin_convertvector(m, Quad32);
    std::memcpy(mag + k, &f, sizeof f);
  }
#endif
  for (; k < n; ++k) {
    const double m = std::sqrt(power[k]);
    mag[k] = static_cast<float>(m < kMax ? m : kMax);
  }
}

}  // namespace

double softmask(double x, double ref, double power, bool splitZeros) {
  const double z = x > ref ? x : ref;
  if (z < kFloat32Tiny) return splitZeros ? 0.5 : 0.0;
  const double rx = x / z;
  const double rr = ref / z;
  const double mx = power == 2.0 ? rx * rx : std::pow(rx, power);
  const double mr = power == 2.0 ? rr * rr : std::pow(rr, power);
  return mx / (mx + mr);
}

HarmonicStage::HarmonicStage(Pipeline& p) : p_(p) {
  stride_ = (p.bins() + 7) / 8 * 8;
  mag_ = LargeArray<float>(p.frames() * stride_);  // every value is written by consume()
  p.addConsumer(this);
}

void HarmonicStage::consume(std::size_t t, const Spectrum& s) {
  // |D| rounded to float32: the median filters' input (see median.cpp)
  float* mag = mag_.get() + t * stride_;
  magnitudeFloat(s.power, mag, s.bins);
  std::fill(mag + s.bins, mag + stride_, 0.0f);
}

const std::vector<float>& HarmonicStage::signal() {
  compute();
  return y_;
}

void HarmonicStage::release() {
  if (readers_ > 0 && --readers_ == 0) std::vector<float>().swap(y_);
}

std::vector<float> HarmonicStage::take() {
  compute();
  if (readers_ <= 1) {
    readers_ = 0;
    return std::move(y_);
  }
  --readers_;
  return y_;
}

void HarmonicStage::compute() {
  if (done_) return;
  done_ = true;
  const Request& req = p_.request();
  const HpssParams& hp = req.hpss;
  const std::size_t frames = p_.frames();
  const std::size_t bins = p_.bins();
  const std::size_t stride = stride_;
  const float* mag = mag_.get();

  // The time-axis (harmonic) median needs every frame; the frequency-axis (percussive) one is done eight frames at
  // a time, right before those frames are masked.
  const LargeArray<float> harm(frames * stride);
  medianAlongFrames(mag, frames, bins, stride, hp.kernelSize, harm.get());
  MedianAlongBins percussive(bins, hp.kernelSize);
  std::vector<float> perc(MedianAlongBins::kLines * stride);

  assignLarge(y_, p_.nSamples());
  InverseStft istft(req.stft, frames, y_.data(), y_.size());
  const StftFrames stft(p_.samples(), p_.nSamples(), req.stft);
  std::vector<double> re(bins), im(bins), work(stft.workSize());
  // decompose.hpss: split_zeros = (margin_harm == 1 and margin_perc == 1)
  const bool splitZeros = hp.margin == 1.0;
  const std::size_t used = istft.frames();
  for (std::size_t t0 = 0; t0 < used; t0 += MedianAlongBins::kLines) {
    const std::size_t count = std::min(MedianAlongBins::kLines, frames - t0);
    percussive.run(mag + t0 * stride, count, stride, perc.data());
    for (std::size_t t = t0; t < std::min(t0 + count, used); ++t) {
      stft.transform(t, re.data(), im.data(), nullptr, work.data());
      const float* h = harm.get() + t * stride;
      const float* q = perc.data() + (t - t0) * stride;
      if (hp.power == 2.0) {
        applySquareMask(h, q, hp.margin, splitZeros ? 0.5 : 0.0, re.data(), im.data(), bins);
      } else {
        for (std::size_t k = 0; k < bins; ++k) {
          const double m = softmask(static_cast<double>(h[k]), static_cast<double>(q[k]) * hp.margin, hp.power, splitZeros);
          re[k] *= m;
          im[k] *= m;
        }
      }
      istft.add(t, re.data(), im.data());
    }
  }
  istft.finish();
  mag_.reset();
}

}  // namespace ser
