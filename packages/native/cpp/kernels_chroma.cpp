// chroma_stft on the magnitude STFT, with librosa.estimate_tuning (tuning.cpp) when no tuning is given.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "common.hpp"

#include "filters.hpp"
#include "memory.hpp"
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

#if defined(__GNUC__)
typedef double Quad __attribute__((vector_size(4 * sizeof(double))));
#endif

/** Frames projected together by projectFrames12. */
constexpr std::size_t kFrameGroup = 4;

/**
 * projectFrame for kFrameGroup frames (mag + f * stride) and 12 chroma: acc[f * 12 + c]. Each frame's sums still
 * run in k order, but one frame's three vectors of sums wait on the previous addition at every k; four frames give
 * twelve independent chains and read the filterbank once.
 */
SER_HOT void projectFrames12(const double* __restrict wT, const float* __restrict mag, std::size_t stride,
                             double* __restrict acc, std::size_t bins) {
#if defined(__GNUC__)
  Quad a[kFrameGroup][3] = {};
  for (std::size_t k = 0; k < bins; ++k) {
    Quad w0, w1, w2;
    std::memcpy(&w0, wT + k * 12, sizeof w0);
    std::memcpy(&w1, wT + k * 12 + 4, sizeof w1);
    std::memcpy(&w2, wT + k * 12 + 8, sizeof w2);
    for (std::size_t f = 0; f < kFrameGroup; ++f) {
      const double m = static_cast<double>(mag[f * stride + k]);
      a[f][0] += w0 * m;
      a[f][1] += w1 * m;
      a[f][2] += w2 * m;
    }
  }
  for (std::size_t f = 0; f < kFrameGroup; ++f) std::memcpy(acc + f * 12, a[f], sizeof a[f]);
#else
  for (std::size_t f = 0; f < kFrameGroup; ++f) projectFrame(wT, mag + f * stride, acc + f * 12, bins, 12);
#endif
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
      std::size_t t = 0;
      if (nChroma_ == 12) {
        double acc[kFrameGroup * 12];
        for (; t + kFrameGroup <= frames; t += kFrameGroup) {
          projectFrames12(fb_->transposed.data(), store_.data() + t * bins, bins, acc, fb_->bins);
          for (std::size_t f = 0; f < kFrameGroup; ++f)
            for (std::size_t c = 0; c < 12; ++c) raw_[c * frames + t + f] = acc[f * 12 + c];
        }
      }
      for (; t < frames; ++t) project(store_.data() + t * bins, t);
      LargeVector<float>().swap(store_);
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
  LargeVector<float> store_;  // frames x bins float32 |STFT| while the tuning is unknown
  std::vector<double> raw_;   // nChroma x frames
  std::vector<double> acc_;   // one frame's chroma
};

}  // namespace

std::unique_ptr<FeatureKernel> makeChromaStftKernel(Pipeline& p) { return std::make_unique<ChromaStftKernel>(p); }

}  // namespace ser
