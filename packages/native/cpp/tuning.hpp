// librosa.estimate_tuning (piptrack + pitch_tuning) on float32 magnitude spectra, frame by frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "memory.hpp"

namespace ser {

/**
 * librosa.estimate_tuning(S=|STFT|, sr, n_fft, bins_per_octave) with piptrack's defaults (fmin 150, fmax
 * min(4000, sr / 2), threshold 0.1) and resolution 0.01, fed one frame at a time.
 *
 * The answer is a histogram argmax, so it reproduces librosa bit for bit, float32 arithmetic included: librosa's
 * |STFT| is float32 (complex64), piptrack's interpolation runs in float32/float64 exactly as in tuning.cpp, pitches
 * are stored as float32 and hz_to_octs / np.mod then run in float32.
 */
class TuningEstimator {
 public:
  /** frames: how many frames will come, when known (room for their peaks is reserved up front). */
  TuningEstimator(std::size_t bins, double sampleRate, std::size_t nFft, std::size_t frames = 0);
  /** piptrack on one frame of bins float32 magnitudes: keeps its peaks. */
  void addFrame(const float* mag);
  /** pitch_tuning of the peaks at or above their median magnitude; 0 without peaks. In [-0.5, 0.5). */
  double tuning(std::size_t binsPerOctave) const;

 private:
  struct Peak {
    float pitch;
    float mag;
  };
  std::size_t bins_;
  double sampleRate_;
  std::size_t nFft_;
  std::size_t iLo_ = 0, iHi_ = 0;  // bins with fmin <= f < fmax (and i >= 1: localmax never marks bin 0)
  LargeVector<Peak> peaks_;
  std::vector<unsigned char> isMax_;
  std::vector<std::uint32_t> peakBins_;  // one frame's peak bins
};

/** estimate_tuning of a whole spectrogram (frames x bins, frame-major). */
double estimateTuning(const float* mag, std::size_t frames, std::size_t bins, double sampleRate, std::size_t nFft,
                      std::size_t binsPerOctave);

}  // namespace ser
