// |CQT| as librosa 0.10.1 computes it (cqt = vqt with gamma 0): octave by octave from the top, each octave's sparse
// filter bank applied to a rectangular-window STFT of the signal, which is halved in rate between octaves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "memory.hpp"

namespace ser {

/** The CQT librosa.feature.chroma_cqt asks for (filter_scale 1, norm 1, sparsity 0.01, Hann, scale=True). */
struct CqtParams {
  double sampleRate = 0;
  std::size_t hopLength = 512;
  double fmin = 0;  // before tuning
  std::size_t nBins = 0;
  std::size_t binsPerOctave = 12;
  double tuning = 0;  // fractions of a bin, already resolved
};

/** Largest per-octave FFT and most FFT input samples (frames x FFT length, all octaves) one CQT may take. */
constexpr std::size_t kMaxCqtFft = std::size_t{1} << 18;
constexpr double kMaxCqtWork = 4294967296.0;  // 2^32

/** Throws RangeError when the CQT cannot be computed (cutoff above Nyquist, FFTs too long, too much work). */
void checkCqt(const CqtParams& p, std::size_t nSamples);

/** Everything about a CQT that does not depend on the signal: rates, hops and per-octave sparse filter banks. */
class CqtPlan {
 public:
  explicit CqtPlan(const CqtParams& p);
  std::size_t nBins() const { return nBins_; }
  /** CQT frames for n input samples: the fewest over the octaves (librosa's __trim_stack). */
  std::size_t frameCount(std::size_t n) const;
  /** |CQT| of y (n samples at the plan's rate), bin-major: out[bin * frames + t], lowest bin first. */
  LargeVector<double> magnitude(const float* y, std::size_t n, std::size_t& frames) const;

 private:
  struct Octave {
    std::size_t firstBin = 0;  // index of its lowest filter among all bins
    std::size_t nFilters = 0;
    std::size_t nFft = 0;
    std::size_t hop = 0;
    bool halveAfter = false;  // vqt halves the signal after this octave while its hop is even
    std::vector<std::uint32_t> rowStart, col;  // CSR rows over bins 0..nFft/2
    std::vector<double> re, im;
  };
  void response(const float* y, std::size_t n, const Octave& oct, std::size_t frames, double* out) const;

  std::size_t nBins_ = 0;
  std::size_t earlyDownsamples_ = 0;
  std::vector<Octave> octaves_;  // top octave first, as vqt visits them
  std::vector<double> binScale_;  // 1 / sqrt(filter length) at the post-early-downsampling rate
};

/** The plan for these parameters, cached (the tuning is quantised to 0.01 bin, so clips share a few plans). */
std::shared_ptr<const CqtPlan> cqtPlan(const CqtParams& p);

}  // namespace ser
