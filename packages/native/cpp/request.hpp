// The fully resolved feature request (the C++ mirror of FeatureRequest in src/types.ts) and its validation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ser {

/** Feature identifiers; the names match FeatureName in src/types.ts. */
enum class FeatureId : std::uint8_t { Stft, Mel, Mfcc, ChromaStft, Contrast, Harmonic, ChromaCqt, Tonnetz, Logmel };

/** Request sections a feature reads; the binding requires (and validates) exactly those. */
enum Section : unsigned {
  kSecStft = 1u << 0,
  kSecMel = 1u << 1,
  kSecDb = 1u << 2,
  kSecMfcc = 1u << 3,
  kSecChromaStft = 1u << 4,
  kSecContrast = 1u << 5,
  kSecHpss = 1u << 6,
  kSecChromaCqt = 1u << 7,
};

struct StftParams {
  std::size_t nFft = 2048;
  std::size_t hopLength = 512;
  std::size_t winLength = 2048;
  bool center = true;
};

struct MelParams {
  std::size_t nMels = 128;
  double fmin = 0.0;
  double fmax = 0.0;
  bool htk = false;
  bool slaneyNorm = true;
  double power = 2.0;
};

struct DbParams {
  double amin = 1e-10;
  std::optional<double> topDb = 80.0;
};

struct MfccParams {
  std::size_t nMfcc = 40;
};

struct ChromaStftParams {
  std::size_t nChroma = 12;
  std::optional<double> tuning;  // nullopt: estimate
};

struct ContrastParams {
  double fmin = 200.0;
  std::size_t nBands = 6;
  double quantile = 0.02;
};

struct HpssParams {
  std::size_t kernelSize = 31;
  double power = 2.0;
  double margin = 1.0;
};

struct ChromaCqtParams {
  std::size_t hopLength = 512;
  double fmin = 32.703195662574764;
  std::size_t nOctaves = 7;
  std::size_t binsPerOctave = 36;
  std::optional<double> tuning;
};

struct Request {
  std::vector<FeatureId> features;  // de-duplicated, in request order
  unsigned sections = 0;            // union of the sections the features need
  StftParams stft;
  MelParams mel;
  DbParams db;
  MfccParams mfcc;
  ChromaStftParams chromaStft;
  ContrastParams contrast;
  HpssParams hpss;
  ChromaCqtParams chromaCqt;

  bool wants(FeatureId id) const {
    for (FeatureId f : features)
      if (f == id) return true;
    return false;
  }
};

/** Limits checked before any work (also keeps hostile inputs from allocating without bound). */
constexpr double kMinSampleRate = 1000.0;
constexpr double kMaxSampleRate = 768000.0;
constexpr std::size_t kMinNfft = 16;
constexpr std::size_t kMaxNfft = 65536;
constexpr std::size_t kMaxMels = 1024;
constexpr std::size_t kMaxChroma = 128;
constexpr std::size_t kMaxBands = 12;
/** HPSS median window: at most this many frames / bins. */
constexpr std::size_t kMaxMedianSize = 1025;
/** HPSS median work per call: kernelSize x STFT cells (the default 31 fits every signal kMaxCells allows). */
constexpr double kMaxMedianWork = 4294967296.0;  // 2^32
/** Output plus intermediate float32 cells one call may allocate (2^27 = 512 MiB of float32). */
constexpr std::size_t kMaxCells = std::size_t{1} << 27;

/** Number of STFT frames librosa produces for n samples (0 if the signal is too short). */
std::size_t frameCount(const StftParams& p, std::size_t nSamples);

/**
 * Range checks of every parameter the requested features use, against the sample rate and signal length.
 * Throws ser::Error (RangeError) naming the field and the allowed range.
 */
void validateRequest(const Request& req, double sampleRate, std::size_t nSamples);

}  // namespace ser
