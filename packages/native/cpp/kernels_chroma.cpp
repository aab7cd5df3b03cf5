// chroma_stft on the magnitude STFT, with librosa.estimate_tuning (tuning.cpp) when no tuning is given.
#include <algorithm>
#include <cmath>
#include <memory>

#include "common.hpp"

#include "filters.hpp"
#include "pipeline.hpp"
#include "tuning.hpp"

namespace ser {

namespace {

// acc[c] = sum_k w[k][c] mag[k], accumulated in k order for every c (vectorised across c).
SER_HOT void projectFrame(const double* __restrict wT, const float* __restrict mag, double* __restrict acc,
                          std::size_t bins, std::size_t nChroma) {
  for (std::size_t c = 0; c < nChroma; ++c) acc[c] = 0.0;
  for (std::size_t k = 0; k < bins; ++k) {
    const double m = static_cast<double>(mag[k]);
    const double* w = wT + k * nChroma;
    for (std::size_t c = 0; c < nChroma; ++c) acc[c] += w[c] * m;
  }
}

/** librosa.feature.chroma_stft(S=|STFT|, sr, tuning, n_chroma), inf-norm per frame. */
class ChromaStftKernel : public FeatureKernel, public FrameConsumer {
 public:
  explicit ChromaStftKernel(Pipeline& p) : p_(p) {
    const ChromaStftParams& c = p.request().chromaStft;
    nChroma_ = c.nChroma;
    raw_.assign(nChroma_ * p.frames(), 0.0);
    acc_.resize(nChroma_);
    if (c.tuning) {
      tuning_ = *c.tuning;
      fb_ = chromaFilterbank(p.sampleRate(), p.nFftFromBins(), nChroma_, tuning_);
    } else {
      store_.resize(p.bins() * p.frames());
    }
    p.needMagnitude32();
    p.addConsumer(this);
  }

  void consume(std::size_t t, const Spectrum& s) override {
    if (fb_) {
      project(s.mag32, t);
    } else {
      std::copy(s.mag32, s.mag32 + s.bins, store_.begin() + static_cast<std::ptrdiff_t>(t * s.bins));
    }
  }

  void finish(FeatureOutput& out) override {
    const std::size_t frames = p_.frames();
    const std::size_t bins = p_.bins();
    if (!fb_) {
      tuning_ = estimateTuning(store_.data(), frames, bins, p_.sampleRate(), p_.nFftFromBins(), nChroma_);
      fb_ = chromaFilterbank(p_.sampleRate(), p_.nFftFromBins(), nChroma_, tuning_);
      for (std::size_t t = 0; t < frames; ++t) project(store_.data() + t * bins, t);
      std::vector<float>().swap(store_);
    }
    // util.normalize(norm=inf, axis=-2): frames whose max is below float32 tiny stay as they are (zeros)
    Matrix m(nChroma_, frames);
    const double tiny = 1.1754943508222875e-38;
    for (std::size_t t = 0; t < frames; ++t) {
      double len = 0.0;
      for (std::size_t c = 0; c < nChroma_; ++c) len = std::max(len, std::fabs(raw_[c * frames + t]));
      if (len < tiny) len = 1.0;
      for (std::size_t c = 0; c < nChroma_; ++c) m.data[c * frames + t] = static_cast<float>(raw_[c * frames + t] / len);
    }
    out.matrices.emplace_back(FeatureId::ChromaStft, std::move(m));
    out.tuningChromaStft = tuning_;
  }

 private:
  void project(const float* mag, std::size_t t) {
    const std::size_t bins = fb_->bins;
    const std::size_t frames = p_.frames();
    projectFrame(fb_->transposed.data(), mag, acc_.data(), bins, nChroma_);
    for (std::size_t c = 0; c < nChroma_; ++c) raw_[c * frames + t] = acc_[c];
  }

  Pipeline& p_;
  std::size_t nChroma_ = 12;
  double tuning_ = 0.0;
  std::shared_ptr<const ChromaFilterbank> fb_;
  std::vector<float> store_;  // frames x bins float32 |STFT| while the tuning is unknown
  std::vector<double> raw_;   // nChroma x frames
  std::vector<double> acc_;   // one frame's chroma
};

}  // namespace

std::unique_ptr<FeatureKernel> makeChromaStftKernel(Pipeline& p) { return std::make_unique<ChromaStftKernel>(p); }

}  // namespace ser
