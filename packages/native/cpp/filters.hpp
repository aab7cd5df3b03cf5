// Precomputed, cached analysis tables: STFT window, mel and chroma filterbanks, DCT matrix, contrast bands.
// Each follows librosa 0.10.1's arithmetic step by step (see filters.cpp).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "request.hpp"

namespace ser {

/** Periodic Hann window of winLength samples, zero-padded to nFft (librosa pad_center); nonzero span [begin, end). */
struct Window {
  std::vector<double> w;  // nFft values
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::shared_ptr<const Window> hannWindow(std::size_t nFft, std::size_t winLength);

/** librosa.filters.mel, stored sparsely: band b covers bins [begin[b], end[b]) with weights at offset[b]. */
struct MelFilterbank {
  std::size_t nMels = 0;
  std::size_t bins = 0;
  std::vector<std::size_t> begin, end, offset;
  std::vector<double> weights;  // float32 values (librosa's dtype), widened
};
std::shared_ptr<const MelFilterbank> melFilterbank(double sampleRate, std::size_t nFft, const MelParams& p);

/** librosa.filters.chroma (ctroct 5, octwidth 2, norm 2, base_c), nChroma x bins, float32 values widened. */
struct ChromaFilterbank {
  std::size_t nChroma = 0;
  std::size_t bins = 0;
  std::vector<double> weights;     // [c * bins + k]
  std::vector<double> transposed;  // [k * nChroma + c]
};
std::shared_ptr<const ChromaFilterbank> chromaFilterbank(double sampleRate, std::size_t nFft, std::size_t nChroma,
                                                         double tuning);

/** DCT-II with norm='ortho' (scipy.fftpack.dct), first nOut rows of the nIn x nIn matrix. */
struct DctMatrix {
  std::size_t nOut = 0;
  std::size_t nIn = 0;
  std::vector<double> m;  // [k * nIn + j]
};
std::shared_ptr<const DctMatrix> dctOrtho(std::size_t nOut, std::size_t nIn);

/** Spectral-contrast bands with librosa's edge quirks: sub-band bins [begin, end), quantile count idx. */
struct ContrastBand {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t idx = 1;
};
/** Throws RangeError when a band has no frequency bin at this nFft / sample rate. */
std::vector<ContrastBand> contrastBands(double sampleRate, std::size_t nFft, std::size_t bins, const ContrastParams& p);

/** librosa.hz_to_mel / mel_to_hz (Slaney or HTK). */
double hzToMel(double hz, bool htk);
double melToHz(double mel, bool htk);

}  // namespace ser
