// The tonal features: harmonic (hpss.cpp), chroma_cqt of the harmonic part (cqt.cpp + cq_to_chroma) and tonnetz,
// ported from the TypeScript twin (features/ts/chroma-cqt.ts, tonnetz.ts), with its arithmetic.
#include <cmath>
#include <memory>

#include "cqt.hpp"
#include "hpss.hpp"
#include "pipeline.hpp"
#include "tonal.hpp"
#include "tuning.hpp"

namespace ser {

namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;
/** np.finfo(np.float32).tiny: util.normalize's threshold for librosa's float32 chroma. */
constexpr double kFloat32Tiny = 1.1754943508222875e-38;
constexpr std::size_t kChroma = 12;

/** Feeds librosa's float32 |STFT| to the tuning estimate frame by frame. */
class TuningConsumer : public FrameConsumer {
 public:
  explicit TuningConsumer(TuningEstimator& est) : est_(est) {}
  void consume(std::size_t, const Spectrum& s) override { est_.addFrame(s.mag32); }

 private:
  TuningEstimator& est_;
};

/**
 * librosa.estimate_tuning(y=y, sr, bins_per_octave) as vqt calls it: piptrack on |stft(y)| with piptrack's
 * framing (n_fft 2048, hop 512, Hann, centred with zeros), whatever the request's framing.
 */
double estimateTuningOfSignal(const float* y, std::size_t n, double sampleRate, std::size_t binsPerOctave) {
  Request r;
  r.stft = StftParams{2048, 512, 2048, true};
  Pipeline pass(y, n, sampleRate, r);
  TuningEstimator est(pass.bins(), sampleRate, pass.nFftFromBins(), pass.frames());
  TuningConsumer consumer(est);
  pass.addConsumer(&consumer);
  pass.needMagnitude32();
  pass.run();
  return est.tuning(binsPerOctave);
}

double roundHalfEven(double x) {
  const double r = std::round(x);
  return std::fabs(std::fmod(x, 1.0)) == 0.5 && std::fmod(r, 2.0) != 0.0 ? r - 1 : r;
}

/**
 * filters.cq_to_chroma(n_input, bins_per_octave, 12, fmin, base_c=True): every CQT bin goes to exactly one chroma
 * row (the n_merge = bpo / 12 bins centred on it, tiled over octaves, rolled so that row 0 is C); returns that row.
 */
std::vector<std::size_t> cqToChromaRows(std::size_t nInput, std::size_t binsPerOctave, double fmin) {
  const std::size_t nMerge = binsPerOctave / kChroma;  // validated: a multiple of 12
  const std::size_t shift = nMerge / 2;
  const double midi = 12 * (std::log2(fmin) - std::log2(440.0)) + 69;
  const double midi0 = std::fmod(std::fmod(midi, 12.0) + 12.0, 12.0);
  const double roll = roundHalfEven(midi0 * (static_cast<double>(kChroma) / 12));
  const long long r = static_cast<long long>(roll);
  std::vector<std::size_t> rows(nInput);
  for (std::size_t j = 0; j < nInput; ++j) {
    const std::size_t source = (j % binsPerOctave + shift) % binsPerOctave;
    const long long c = static_cast<long long>(source / nMerge);
    const long long k = static_cast<long long>(kChroma);
    rows[j] = static_cast<std::size_t>(((c + r) % k + k) % k);
  }
  return rows;
}

}  // namespace

ChromaCqtStage::ChromaCqtStage(Pipeline& p) : p_(p), harmonic_(p.harmonic()) { harmonic_.addReader(); }

const Matrix& ChromaCqtStage::chroma() {
  compute();
  return chroma_;
}

double ChromaCqtStage::tuning() {
  compute();
  return tuning_;
}

void ChromaCqtStage::compute() {
  if (done_) return;
  done_ = true;
  const ChromaCqtParams& c = p_.request().chromaCqt;
  const std::vector<float>& y = harmonic_.signal();
  const double sr = p_.sampleRate();
  tuning_ = c.tuning ? *c.tuning : estimateTuningOfSignal(y.data(), y.size(), sr, c.binsPerOctave);

  CqtParams cp;
  cp.sampleRate = sr;
  cp.hopLength = c.hopLength;
  cp.fmin = c.fmin;
  cp.nBins = c.nOctaves * c.binsPerOctave;
  cp.binsPerOctave = c.binsPerOctave;
  cp.tuning = tuning_;
  checkCqt(cp, y.size());  // the estimated tuning can move the top filter past Nyquist, as in librosa
  std::size_t frames = 0;
  const LargeVector<double> C = cqtPlan(cp)->magnitude(y.data(), y.size(), frames);
  harmonic_.release();

  // cq_to_chroma (gets the untuned fmin) @ C, summing each chroma row's CQT bins in increasing order
  const std::vector<std::size_t> rowOf = cqToChromaRows(cp.nBins, c.binsPerOctave, c.fmin);
  std::vector<double> raw(kChroma * frames, 0.0);
  for (std::size_t b = 0; b < cp.nBins; ++b) {
    double* row = raw.data() + rowOf[b] * frames;
    const double* src = C.data() + b * frames;
    for (std::size_t t = 0; t < frames; ++t) row[t] += src[t];
  }
  // threshold=0 (a no-op for magnitudes), then util.normalize(norm=inf, axis=0): columns whose max is below
  // tiny(float32) are left as they are
  chroma_ = Matrix(kChroma, frames);
  for (std::size_t t = 0; t < frames; ++t) {
    double mx = 0;
    for (std::size_t k = 0; k < kChroma; ++k) {
      const double v = raw[k * frames + t];
      if (v < 0) {
        raw[k * frames + t] = 0;
      } else if (v > mx) {
        mx = v;
      }
    }
    const double length = mx < kFloat32Tiny ? 1 : mx;
    for (std::size_t k = 0; k < kChroma; ++k) chroma_.data[k * frames + t] = static_cast<float>(raw[k * frames + t] / length);
  }
}

Matrix tonnetz(const Matrix& chroma) {
  // phi = [1, 1, 1, 1, 0.5, 0.5] * cos(pi * V), V = outer([7/6, 7/6, 3/2, 3/2, 2/3, 2/3], 12 c / n_chroma) with
  // 0.5 taken off the even rows (the sines): fifths, minor thirds, major thirds.
  constexpr double kScale[6] = {7.0 / 6, 7.0 / 6, 3.0 / 2, 3.0 / 2, 2.0 / 3, 2.0 / 3};
  constexpr double kRadius[6] = {1, 1, 1, 1, 0.5, 0.5};
  const std::size_t nChroma = chroma.rows;
  const std::size_t frames = chroma.cols;
  std::vector<double> phi(6 * nChroma);
  for (std::size_t r = 0; r < 6; ++r) {
    for (std::size_t c = 0; c < nChroma; ++c) {
      const double dim = (12 * static_cast<double>(c)) / static_cast<double>(nChroma);
      const double v = kScale[r] * dim - (r % 2 == 0 ? 0.5 : 0);
      phi[r * nChroma + c] = kRadius[r] * std::cos(kPi * v);
    }
  }
  // phi @ util.normalize(chroma, norm=1, axis=0); columns with an L1 norm below tiny(float32) are not normalised
  Matrix out(6, frames);
  std::vector<double> column(nChroma);
  for (std::size_t t = 0; t < frames; ++t) {
    double sum = 0;
    for (std::size_t c = 0; c < nChroma; ++c) {
      const double v = static_cast<double>(chroma.data[c * frames + t]);
      column[c] = v;
      sum += std::fabs(v);
    }
    const double length = sum < kFloat32Tiny ? 1 : sum;
    for (std::size_t r = 0; r < 6; ++r) {
      double acc = 0;
      for (std::size_t c = 0; c < nChroma; ++c) acc += phi[r * nChroma + c] * column[c];
      out.data[r * frames + t] = static_cast<float>(acc / length);
    }
  }
  return out;
}

namespace {

/** librosa.effects.harmonic(y): a 1 x n matrix (the time signal). */
class HarmonicKernel : public FeatureKernel {
 public:
  explicit HarmonicKernel(Pipeline& p) : stage_(p.harmonic()) { stage_.addReader(); }
  void finish(FeatureOutput& out) override {
    Matrix m;
    m.data = stage_.take();
    m.rows = 1;
    m.cols = m.data.size();
    out.matrices.emplace_back(FeatureId::Harmonic, std::move(m));
  }

 private:
  HarmonicStage& stage_;
};

class ChromaCqtKernel : public FeatureKernel {
 public:
  explicit ChromaCqtKernel(Pipeline& p) : stage_(p.chromaCqt()) {}
  void finish(FeatureOutput& out) override {
    out.matrices.emplace_back(FeatureId::ChromaCqt, stage_.chroma());
    out.tuningChromaCqt = stage_.tuning();
  }

 private:
  ChromaCqtStage& stage_;
};

class TonnetzKernel : public FeatureKernel {
 public:
  explicit TonnetzKernel(Pipeline& p) : stage_(p.chromaCqt()) {}
  void finish(FeatureOutput& out) override {
    out.matrices.emplace_back(FeatureId::Tonnetz, tonnetz(stage_.chroma()));
    out.tuningChromaCqt = stage_.tuning();
  }

 private:
  ChromaCqtStage& stage_;
};

}  // namespace

std::unique_ptr<FeatureKernel> makeHarmonicKernel(Pipeline& p) { return std::make_unique<HarmonicKernel>(p); }
std::unique_ptr<FeatureKernel> makeChromaCqtKernel(Pipeline& p) { return std::make_unique<ChromaCqtKernel>(p); }
std::unique_ptr<FeatureKernel> makeTonnetzKernel(Pipeline& p) { return std::make_unique<TonnetzKernel>(p); }

}  // namespace ser
