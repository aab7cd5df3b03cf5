// librosa.effects.harmonic from the pipeline's STFT: HPSS by median filtering, soft mask, inverse STFT.
#pragma once

#include <cstddef>
#include <vector>

#include "memory.hpp"
#include "pipeline.hpp"

namespace ser {

/**
 * librosa.effects.harmonic(y, kernel_size, power, margin) = istft(D * mask, length=len(y)) with D = stft(y) (the
 * request's framing) and librosa.decompose.hpss's mask:
 *   mask = util.softmask(median_filter(|D|, (1, k)), margin * median_filter(|D|, (k, 1)), power,
 *                        split_zeros = margin == 1)
 * Shared by harmonic, chromaCqt and tonnetz. The STFT pass keeps |D| only; signal() recomputes each frame of D when
 * it applies the mask (one more FFT per frame is cheaper than writing and reading back the complex STFT).
 */
class HarmonicStage : public FrameConsumer {
 public:
  explicit HarmonicStage(Pipeline& p);
  void consume(std::size_t frame, const Spectrum& s) override;
  /** Something will read the signal (its memory goes when the last reader has released it or taken it). */
  void addReader() { ++readers_; }
  /** The harmonic part, nSamples float32 values; computed on the first call after the pass. */
  const std::vector<float>& signal();
  /** A reader is done with signal(). */
  void release();
  /** A reader's own copy of the signal (moved out when no other reader needs it any more). */
  std::vector<float> take();

 private:
  void compute();

  Pipeline& p_;
  std::size_t stride_ = 0;           // floats per frame in mag_: bins rounded up to the median filter's 8 lanes
  LargeArray<float> mag_;            // |D| in float32, frame-major (frames x stride), padding columns zero
  std::vector<float> y_;
  std::size_t readers_ = 0;
  bool done_ = false;
};

/**
 * librosa.util.softmask(x, ref, power, split_zeros) of one value: with z = max(x, ref), 0.5 or 0 where z is below
 * float32's tiny, else (x/z)^p / ((x/z)^p + (ref/z)^p).
 */
double softmask(double x, double ref, double power, bool splitZeros);

}  // namespace ser
