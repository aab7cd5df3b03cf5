// One compute call: a single STFT pass feeding every requested feature, then each feature's finishing step.
//
// Extension point: a feature is a row of featureTable() (pipeline.cpp) = name + request sections + a factory.
// The factory runs before the STFT pass and registers what the feature needs (frame consumers, shared stages such
// as mel() or harmonic()); finish() runs after the pass and appends the feature's matrix. The binding only looks
// features up by name, so a new kernel is added here without touching it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common.hpp"
#include "request.hpp"

namespace ser {

/** One STFT frame as the consumers see it (bins = nFft / 2 + 1 values each). */
struct Spectrum {
  std::size_t bins = 0;
  const double* re = nullptr;
  const double* im = nullptr;
  const double* power = nullptr;  // |X|^2
  const double* mag = nullptr;    // |X| in float64, when Pipeline::needMagnitude() was called
  const float* mag32 = nullptr;   // |X| as librosa's complex64 STFT gives it, when needMagnitude32() was called
};

class RealFft;
struct Window;

/**
 * librosa.stft one frame at a time: the request's Hann window and zero centre padding, straight into the real FFT's
 * input. The pipeline's pass runs on it; a stage may also recompute a frame later (HPSS does, rather than storing
 * the whole complex STFT).
 */
class StftFrames {
 public:
  StftFrames(const float* samples, std::size_t nSamples, const StftParams& p);
  /** Doubles of scratch transform() needs. */
  std::size_t workSize() const;
  /** Frame t: bins values of re and im, and of |X|^2 unless power is null. */
  void transform(std::size_t t, double* re, double* im, double* power, double* work) const;

 private:
  const float* samples_;
  std::size_t nSamples_;
  StftParams p_;
  std::shared_ptr<const RealFft> fft_;
  std::shared_ptr<const Window> win_;
  std::vector<double> wEven_, wOdd_;  // the window's even and odd samples (even nFft)
};

class FrameConsumer {
 public:
  virtual ~FrameConsumer() = default;
  virtual void consume(std::size_t frame, const Spectrum& s) = 0;
};

struct FeatureOutput {
  std::vector<std::pair<FeatureId, Matrix>> matrices;
  std::optional<double> tuningChromaStft;
  std::optional<double> tuningChromaCqt;
};

class FeatureKernel {
 public:
  virtual ~FeatureKernel() = default;
  virtual void finish(FeatureOutput& out) = 0;
};

class Pipeline;
class HarmonicStage;   // hpss.hpp
class ChromaCqtStage;  // tonal.hpp

/** Shared stage: the mel spectrogram (nMels x frames, float64) and its power_to_db, computed once for all users. */
class MelStage : public FrameConsumer {
 public:
  explicit MelStage(Pipeline& p);
  ~MelStage() override;
  void consume(std::size_t frame, const Spectrum& s) override;
  /** The mel power matrix; only valid after keepPower() was called before the pass. */
  const std::vector<double>& power() const { return power_; }
  /** Somebody needs the power matrix itself (the mel feature); otherwise db() converts it in place. */
  void keepPower() { keepPower_ = true; }
  /** power_to_db(power, ref=1, amin, top_db) with request.db; computed on first call after the pass. */
  const std::vector<double>& db();

 private:
  Pipeline& p_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<double> power_;
  std::vector<double> db_;
  bool dbDone_ = false;
  bool keepPower_ = false;
};

class Pipeline {
 public:
  Pipeline(const float* samples, std::size_t nSamples, double sampleRate, const Request& req);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  const float* samples() const { return samples_; }
  std::size_t nSamples() const { return nSamples_; }
  double sampleRate() const { return sampleRate_; }
  const Request& request() const { return req_; }
  std::size_t frames() const { return frames_; }
  std::size_t bins() const { return req_.stft.nFft / 2 + 1; }
  /** The n_fft librosa infers from an |STFT| input (2 * (bins - 1)); chroma, contrast and piptrack use it. */
  std::size_t nFftFromBins() const { return 2 * (bins() - 1); }

  // Registration, before run().
  void addConsumer(FrameConsumer* c) { consumers_.push_back(c); }
  void needMagnitude() { needMag_ = true; }
  void needMagnitude32() { needMag32_ = true; }
  MelStage& mel();
  /** Shared tonal stages: the harmonic part (an STFT consumer) and chroma_cqt of it (for chromaCqt and tonnetz). */
  HarmonicStage& harmonic();
  ChromaCqtStage& chromaCqt();

  /** The single STFT pass over all frames. */
  void run();

 private:
  const float* samples_;
  std::size_t nSamples_;
  double sampleRate_;
  const Request& req_;
  std::size_t frames_;
  std::vector<FrameConsumer*> consumers_;
  bool needMag_ = false;
  bool needMag32_ = false;
  std::unique_ptr<MelStage> mel_;
  std::unique_ptr<HarmonicStage> harmonic_;
  std::unique_ptr<ChromaCqtStage> chromaCqt_;
};

using KernelFactory = std::unique_ptr<FeatureKernel> (*)(Pipeline&);

struct FeatureSpec {
  const char* name;       // FeatureName in src/types.ts
  FeatureId id;
  unsigned sections;      // request sections the feature reads (Section bits)
  KernelFactory create;   // nullptr: not implemented in the native engine yet
};

const std::vector<FeatureSpec>& featureTable();
const FeatureSpec* findFeature(std::string_view name);
const FeatureSpec& featureSpec(FeatureId id);

/** Validated request in, every requested feature out (in request order). */
FeatureOutput computeFeatures(const float* samples, std::size_t nSamples, double sampleRate, const Request& req);

// Factories of the built-in kernels (kernels_*.cpp).
std::unique_ptr<FeatureKernel> makeStftKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeMelKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeLogmelKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeMfccKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeChromaStftKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeContrastKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeHarmonicKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeChromaCqtKernel(Pipeline& p);
std::unique_ptr<FeatureKernel> makeTonnetzKernel(Pipeline& p);

/** librosa.power_to_db(S, ref=1.0, amin, top_db) over a whole matrix, in place (float64). */
void powerToDb(std::vector<double>& s, double amin, std::optional<double> topDb);

}  // namespace ser
