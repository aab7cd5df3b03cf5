// Sliding median filters along either axis of a frame-major float32 |STFT|, as scipy.ndimage.median_filter
// (mode='reflect', origin 0) computes them for librosa.decompose.hpss.
#pragma once

#include <cstddef>
#include <vector>

namespace ser {

/** scipy.ndimage 'reflect' extension (d c b a | a b c d | d c b a, period 2n): any index onto 0..n-1. */
std::size_t reflectIndex(std::ptrdiff_t i, std::size_t n);

/**
 * Output i of a line is the element of rank floor(size / 2) among its inputs i - floor(size / 2) ..
 * i - floor(size / 2) + size - 1 (the median for odd sizes). Matrices are frame-major, x[t * stride + b], with
 * stride >= bins rounded up to a multiple of 8 (the median runs 8 lines at once; padding columns are read, and
 * written with don't-care values). Inputs must not contain NaN.
 */

/** Along time for every bin: median_filter(S, size=(1, size)), librosa's harmonic filter. */
void medianAlongFrames(const float* x, std::size_t frames, std::size_t bins, std::size_t stride, std::size_t size,
                       float* out);

/** Along frequency, median_filter(S, size=(size, 1)) (the percussive filter), up to kLines frames per call. */
class MedianAlongBins {
 public:
  static constexpr std::size_t kLines = 8;
  MedianAlongBins(std::size_t bins, std::size_t size);
  /** rows[r * stride + b] for r < count <= kLines, b < bins -> out[r * stride + b]. */
  void run(const float* rows, std::size_t count, std::size_t stride, float* out);

 private:
  std::size_t bins_, size_;
  std::vector<std::size_t> src_;  // padded position -> bin
  std::vector<const float*> in_;
  std::vector<float> pad_, res_, state_;
};

}  // namespace ser
