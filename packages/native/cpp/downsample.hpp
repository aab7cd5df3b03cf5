// Band-limited downsampling by an integer factor: the Kaiser-windowed sinc of the TypeScript twin's resampler
// (packages/core/src/audio/resample.ts), restricted to what the CQT needs.
#pragma once

#include <cstddef>
#include <vector>

namespace ser {

/** The resampler's options (ResamplerOptions in resample.ts). */
struct SincOptions {
  double rolloff = 0.94;          // cutoff as a fraction of the output's Nyquist frequency
  std::size_t zeroCrossings = 48;  // kernel half-width in zero crossings of the cutoff sinc
  double kaiserBeta = 10.0;
};

/**
 * resample(x, fromRate = factor, toRate = 1, options) of resample.ts: ceil(n / factor) outputs, output m at input
 * time m * factor (zero phase), samples outside the signal counting as zeros, float32 results.
 */
std::vector<float> downsample(const float* x, std::size_t n, std::size_t factor, const SincOptions& o);

}  // namespace ser
