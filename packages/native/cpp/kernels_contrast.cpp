// librosa.feature.spectral_contrast on the magnitude STFT (linear=False).
#include <algorithm>
#include <memory>

#include "filters.hpp"
#include "pipeline.hpp"

namespace ser {

namespace {

/**
 * Sums of the idx smallest and the idx largest values of x[0..len) (idx < len), as np.sort then
 * sortedr[:idx] / sortedr[-idx:] select them. Small idx (the usual 1..10): one pass keeping two sorted lists.
 */
void extremeSums(float* x, std::size_t len, std::size_t idx, double& low, double& high) {
  constexpr std::size_t kSmall = 16;
  if (idx <= kSmall) {
    float lo[kSmall], hi[kSmall];  // lo ascending (lo[idx-1] = largest kept), hi descending
    std::size_t nlo = 0, nhi = 0;
    for (std::size_t i = 0; i < len; ++i) {
      const float v = x[i];
      if (nlo < idx || v < lo[nlo - 1]) {
        std::size_t p = nlo < idx ? nlo++ : idx - 1;
        while (p > 0 && lo[p - 1] > v) {
          lo[p] = lo[p - 1];
          --p;
        }
        lo[p] = v;
      }
      if (nhi < idx || v > hi[nhi - 1]) {
        std::size_t p = nhi < idx ? nhi++ : idx - 1;
        while (p > 0 && hi[p - 1] < v) {
          hi[p] = hi[p - 1];
          --p;
        }
        hi[p] = v;
      }
    }
    low = 0.0;
    high = 0.0;
    for (std::size_t i = 0; i < idx; ++i) {
      low += lo[i];
      high += hi[i];
    }
    return;
  }
  const auto cut = static_cast<std::ptrdiff_t>(idx);
  float* first = x;
  float* last = x + len;
  std::nth_element(first, first + (cut - 1), last);
  low = 0.0;
  for (float* it = first; it != first + cut; ++it) low += *it;
  std::nth_element(first, last - cut, last);
  high = 0.0;
  for (float* it = last - cut; it != last; ++it) high += *it;
}

class ContrastKernel : public FeatureKernel, public FrameConsumer {
 public:
  explicit ContrastKernel(Pipeline& p) : p_(p) {
    bands_ = contrastBands(p.sampleRate(), p.nFftFromBins(), p.bins(), p.request().contrast);
    std::size_t widest = 0;
    for (const ContrastBand& b : bands_) widest = std::max(widest, b.end - b.begin);
    buf_.resize(widest);
    peak_.assign(bands_.size() * p.frames(), 0.0);
    valley_.assign(bands_.size() * p.frames(), 0.0);
    p.needMagnitude32();
    p.addConsumer(this);
  }

  void consume(std::size_t t, const Spectrum& s) override {
    const std::size_t frames = p_.frames();
    for (std::size_t k = 0; k < bands_.size(); ++k) {
      const ContrastBand& b = bands_[k];
      const std::size_t len = b.end - b.begin;
      std::copy(s.mag32 + b.begin, s.mag32 + b.end, buf_.begin());
      // np.sort + mean of sortedr[:idx] / sortedr[-idx:] (idx beyond the band takes the whole band)
      const std::size_t idx = std::min(b.idx, len);
      double lowSum = 0.0, highSum = 0.0;
      if (idx < len) {
        extremeSums(buf_.data(), len, idx, lowSum, highSum);
      } else {
        for (std::size_t i = 0; i < len; ++i) lowSum += buf_[i];
        highSum = lowSum;
      }
      valley_[k * frames + t] = lowSum / static_cast<double>(idx);
      peak_[k * frames + t] = highSum / static_cast<double>(idx);
    }
  }

  void finish(FeatureOutput& out) override {
    // power_to_db with librosa's defaults (ref 1, amin 1e-10, top_db 80) on the WHOLE peak and valley matrices
    powerToDb(peak_, 1e-10, 80.0);
    powerToDb(valley_, 1e-10, 80.0);
    Matrix m(bands_.size(), p_.frames());
    for (std::size_t i = 0; i < peak_.size(); ++i) m.data[i] = static_cast<float>(peak_[i] - valley_[i]);
    out.matrices.emplace_back(FeatureId::Contrast, std::move(m));
  }

 private:
  Pipeline& p_;
  std::vector<ContrastBand> bands_;
  std::vector<float> buf_;
  std::vector<double> peak_, valley_;
};

}  // namespace

std::unique_ptr<FeatureKernel> makeContrastKernel(Pipeline& p) { return std::make_unique<ContrastKernel>(p); }

}  // namespace ser
