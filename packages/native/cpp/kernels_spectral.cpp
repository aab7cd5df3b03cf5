// stft (magnitude), mel, logmel and mfcc kernels.
#include <algorithm>
#include <memory>

#include "filters.hpp"
#include "pipeline.hpp"

namespace ser {

namespace {

Matrix toMatrix(const std::vector<double>& v, std::size_t rows, std::size_t cols) {
  Matrix m(rows, cols);
  for (std::size_t i = 0; i < rows * cols; ++i) m.data[i] = static_cast<float>(v[i]);
  return m;
}

/** |STFT| (bins x frames), as np.abs(librosa.stft(y)) gives it. */
class StftKernel : public FeatureKernel, public FrameConsumer {
 public:
  explicit StftKernel(Pipeline& p) : out_(p.bins(), p.frames()) {
    p.needMagnitude32();
    p.addConsumer(this);
  }
  void consume(std::size_t t, const Spectrum& s) override {
    const std::size_t cols = out_.cols;
    float* d = out_.data.data();
    for (std::size_t k = 0; k < s.bins; ++k) d[k * cols + t] = s.mag32[k];
  }
  void finish(FeatureOutput& out) override { out.matrices.emplace_back(FeatureId::Stft, std::move(out_)); }

 private:
  Matrix out_;
};

class MelKernel : public FeatureKernel {
 public:
  explicit MelKernel(Pipeline& p) : p_(p), mel_(p.mel()) { mel_.keepPower(); }
  void finish(FeatureOutput& out) override {
    out.matrices.emplace_back(FeatureId::Mel, toMatrix(mel_.power(), p_.request().mel.nMels, p_.frames()));
  }

 private:
  Pipeline& p_;
  MelStage& mel_;
};

class LogmelKernel : public FeatureKernel {
 public:
  explicit LogmelKernel(Pipeline& p) : p_(p), mel_(p.mel()) {}
  void finish(FeatureOutput& out) override {
    out.matrices.emplace_back(FeatureId::Logmel, toMatrix(mel_.db(), p_.request().mel.nMels, p_.frames()));
  }

 private:
  Pipeline& p_;
  MelStage& mel_;
};

// out[k][t0 + t] = sum_j dct[k][j] db[j][t0 + t] for a block of frames (kept in cache across all k).
SER_HOT void dctBlock(const double* __restrict dct, const double* __restrict db, double* __restrict acc,
                      std::size_t nOut, std::size_t nIn, std::size_t frames, std::size_t t0, std::size_t len) {
  for (std::size_t k = 0; k < nOut; ++k) {
    double* a = acc + k * len;
    for (std::size_t t = 0; t < len; ++t) a[t] = 0.0;
    for (std::size_t j = 0; j < nIn; ++j) {
      const double c = dct[k * nIn + j];
      const double* row = db + j * frames + t0;
      for (std::size_t t = 0; t < len; ++t) a[t] += c * row[t];
    }
  }
}

/** librosa.feature.mfcc: DCT-II (ortho) along the mel axis of power_to_db(mel). */
class MfccKernel : public FeatureKernel {
 public:
  explicit MfccKernel(Pipeline& p) : p_(p), mel_(p.mel()) {}
  void finish(FeatureOutput& out) override {
    const std::size_t nMels = p_.request().mel.nMels;
    const std::size_t nMfcc = p_.request().mfcc.nMfcc;
    const std::size_t frames = p_.frames();
    const std::shared_ptr<const DctMatrix> dct = dctOrtho(nMfcc, nMels);
    const std::vector<double>& db = mel_.db();
    Matrix m(nMfcc, frames);
    constexpr std::size_t kBlock = 128;
    std::vector<double> acc(nMfcc * kBlock);
    for (std::size_t t0 = 0; t0 < frames; t0 += kBlock) {
      const std::size_t len = std::min(kBlock, frames - t0);
      dctBlock(dct->m.data(), db.data(), acc.data(), nMfcc, nMels, frames, t0, len);
      for (std::size_t k = 0; k < nMfcc; ++k)
        for (std::size_t t = 0; t < len; ++t) m.data[k * frames + t0 + t] = static_cast<float>(acc[k * len + t]);
    }
    out.matrices.emplace_back(FeatureId::Mfcc, std::move(m));
  }

 private:
  Pipeline& p_;
  MelStage& mel_;
};

}  // namespace

std::unique_ptr<FeatureKernel> makeStftKernel(Pipeline& p) { return std::make_unique<StftKernel>(p); }
std::unique_ptr<FeatureKernel> makeMelKernel(Pipeline& p) { return std::make_unique<MelKernel>(p); }
std::unique_ptr<FeatureKernel> makeLogmelKernel(Pipeline& p) { return std::make_unique<LogmelKernel>(p); }
std::unique_ptr<FeatureKernel> makeMfccKernel(Pipeline& p) { return std::make_unique<MfccKernel>(p); }

}  // namespace ser
