// Inverse STFT, as librosa 0.10.1 computes it for a float32 signal (see InverseStft in istft.hpp).
#include "istft.hpp"

#include <algorithm>

#include "fft.hpp"
#include "filters.hpp"

namespace ser {

namespace {
/** np.finfo(np.float32).tiny: librosa divides by the window sum only where it exceeds this (float32 signal). */
constexpr double kFloat32Tiny = 1.1754943508222875e-38;
}  // namespace

InverseStft::InverseStft(const StftParams& p, std::size_t availableFrames, float* y, std::size_t length)
    : p_(p), y_(y), length_(length) {
  std::fill(y, y + length, 0.0f);
  const std::size_t half = p.nFft / 2;
  const std::size_t padded = p.center ? length + 2 * half : length;
  // librosa: "For efficiency, trim STFT frames according to signal length if available".
  frames_ = length == 0 ? 0 : std::min(availableFrames, (padded + p.hopLength - 1) / p.hopLength);
  if (frames_ == 0) return;
  span_ = p.nFft + p.hopLength * (frames_ - 1);
  fft_ = realFftPlan(p.nFft);
  window_ = hannWindow(p.nFft, p.winLength);
  frame_.resize(p.nFft);
  work_.resize(fft_->workSize());
  ola_.assign(p.nFft, 0.0);
  windowSum_.assign(p.nFft, 0.0);
}

InverseStft::~InverseStft() = default;

void InverseStft::add(std::size_t t, const double* re, const double* im) {
  fft_->inverse(re, im, frame_.data(), work_.data());
  const std::size_t ring = ola_.size();
  const std::size_t at = t * p_.hopLength;
  const double* w = window_->w.data();
  // Outside the window's nonzero span both sums would only add zeros. Position at + m sits in slot
  // (at + m) mod ring; the span is cut where the ring wraps.
  std::size_t m = window_->begin;
  while (m < window_->end) {
    const std::size_t slot = (at + m) % ring;
    const std::size_t run = std::min(window_->end - m, ring - slot);
    double* ola = ola_.data() + slot - m;
    double* sum = windowSum_.data() + slot - m;
    for (std::size_t e = m + run; m < e; ++m) {
      ola[m] += w[m] * frame_[m];
      sum[m] += w[m] * w[m];
    }
  }
  // No later frame reaches below the next frame's start.
  emit(at, std::min(at + p_.hopLength, span_));
}

void InverseStft::finish() {
  if (frames_ == 0) return;
  emit((frames_ - 1) * p_.hopLength + p_.hopLength, span_);
}

void InverseStft::emit(std::size_t from, std::size_t to) {
  const std::size_t ring = ola_.size();
  const std::size_t start = p_.center ? p_.nFft / 2 : 0;
  // Positions a ring or more past `from` were never reached by a frame: their output stays 0.
  to = std::min(to, from + ring);
  for (std::size_t pos = from; pos < to; ++pos) {
    const std::size_t slot = pos % ring;
    if (pos >= start && pos - start < length_) {
      const double s = windowSum_[slot];
      const double v = ola_[slot];
      y_[pos - start] = static_cast<float>(s > kFloat32Tiny ? v / s : v);
    }
    ola_[slot] = 0.0;
    windowSum_[slot] = 0.0;
  }
}

}  // namespace ser
