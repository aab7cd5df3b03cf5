// chroma_cqt of the harmonic part, shared by the chromaCqt and tonnetz kernels (kernels_tonal.cpp).
#pragma once

#include "pipeline.hpp"

namespace ser {

class HarmonicStage;

/**
 * librosa.feature.chroma_cqt(y=harmonic(y), sr, hop_length, fmin, n_octaves, bins_per_octave, tuning) with
 * norm=inf, threshold=0, n_chroma=12; a null tuning is estimated as librosa.estimate_tuning(y=harmonic, sr,
 * bins_per_octave) does it, on its own n_fft=2048 STFT.
 */
class ChromaCqtStage {
 public:
  explicit ChromaCqtStage(Pipeline& p);
  /** 12 x frames, float32; computed on the first call after the pass. */
  const Matrix& chroma();
  /** The tuning used, in fractions of a CQT bin. */
  double tuning();

 private:
  void compute();
  Pipeline& p_;
  HarmonicStage& harmonic_;
  Matrix chroma_;
  double tuning_ = 0.0;
  bool done_ = false;
};

/** librosa.feature.tonnetz(chroma=chroma): 6 x frames. */
Matrix tonnetz(const Matrix& chroma);

}  // namespace ser
