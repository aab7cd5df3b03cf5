// Range validation of a parsed request (type checks happen while the binding parses the JavaScript object).
#include "request.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "common.hpp"
#include "cqt.hpp"
#include "filters.hpp"

namespace ser {

namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

void requireRange(bool ok, const std::string& field, double value, const std::string& allowed) {
  if (!ok) throwRange(field + " must be " + allowed + " (got " + num(value) + ")");
}

}  // namespace

std::size_t frameCount(const StftParams& p, std::size_t nSamples) {
  const std::size_t pad = p.center ? p.nFft / 2 : 0;
  const std::size_t padded = nSamples + 2 * pad;
  if (padded < p.nFft) return 0;
  return 1 + (padded - p.nFft) / p.hopLength;
}

void validateRequest(const Request& req, double sr, std::size_t nSamples) {
  const double nyquist = sr / 2;
  const StftParams& st = req.stft;
  requireRange(st.nFft >= kMinNfft && st.nFft <= kMaxNfft, "request.stft.nFft", static_cast<double>(st.nFft),
               "an integer in [16, 65536]");
  requireRange(st.winLength >= 1 && st.winLength <= st.nFft, "request.stft.winLength",
               static_cast<double>(st.winLength), "an integer in [1, nFft = " + std::to_string(st.nFft) + "]");
  requireRange(st.hopLength >= 1 && st.hopLength <= 4 * st.nFft, "request.stft.hopLength",
               static_cast<double>(st.hopLength), "an integer in [1, 4 * nFft = " + std::to_string(4 * st.nFft) + "]");
  const std::size_t frames = frameCount(st, nSamples);
  if (frames == 0) {
    throwRange("samples: " + std::to_string(nSamples) + " samples are too short for one STFT frame of nFft " +
               std::to_string(st.nFft) + (st.center ? "" : " with center=false") +
               "; pass at least nFft samples or use center=true");
  }
  const std::size_t bins = st.nFft / 2 + 1;
  std::size_t cells = 0;

  if (req.sections & kSecMel) {
    const MelParams& m = req.mel;
    requireRange(m.nMels >= 1 && m.nMels <= kMaxMels, "request.mel.nMels", static_cast<double>(m.nMels),
                 "an integer in [1, 1024]");
    requireRange(m.fmin >= 0 && std::isfinite(m.fmin), "request.mel.fmin", m.fmin, "a finite number >= 0");
    requireRange(m.fmax > m.fmin && m.fmax <= nyquist, "request.mel.fmax", m.fmax,
                 "in (fmin, sampleRate / 2] = (" + num(m.fmin) + ", " + num(nyquist) + "]");
    requireRange(std::isfinite(m.power) && m.power > 0 && m.power <= 8, "request.mel.power", m.power,
                 "a number in (0, 8]");
    cells += m.nMels * frames;
  }
  if (req.sections & kSecDb) {
    requireRange(std::isfinite(req.db.amin) && req.db.amin > 0, "request.db.amin", req.db.amin, "a finite number > 0");
    if (req.db.topDb) {
      requireRange(std::isfinite(*req.db.topDb) && *req.db.topDb >= 0, "request.db.topDb", *req.db.topDb,
                   "null or a finite number >= 0");
    }
  }
  if (req.sections & kSecMfcc) {
    requireRange(req.mfcc.nMfcc >= 1 && req.mfcc.nMfcc <= req.mel.nMels, "request.mfcc.nMfcc",
                 static_cast<double>(req.mfcc.nMfcc), "an integer in [1, nMels = " + std::to_string(req.mel.nMels) + "]");
    cells += req.mfcc.nMfcc * frames;
  }
  if (req.sections & kSecChromaStft) {
    const ChromaStftParams& c = req.chromaStft;
    requireRange(c.nChroma >= 1 && c.nChroma <= kMaxChroma, "request.chromaStft.nChroma",
                 static_cast<double>(c.nChroma), "an integer in [1, 128]");
    if (c.tuning) {
      requireRange(std::isfinite(*c.tuning) && *c.tuning >= -0.5 && *c.tuning <= 0.5, "request.chromaStft.tuning",
                   *c.tuning, "null or a number in [-0.5, 0.5]");
    } else {
      cells += bins * frames;  // the float32 |STFT| kept for the tuning estimate
    }
    cells += c.nChroma * frames;
  }
  if (req.sections & kSecContrast) {
    const ContrastParams& c = req.contrast;
    requireRange(std::isfinite(c.fmin) && c.fmin > 0, "request.contrast.fmin", c.fmin, "a finite number > 0");
    requireRange(c.nBands >= 1 && c.nBands <= kMaxBands, "request.contrast.nBands", static_cast<double>(c.nBands),
                 "an integer in [1, 12]");
    requireRange(c.quantile > 0 && c.quantile < 1, "request.contrast.quantile", c.quantile, "in (0, 1)");
    // librosa: every band's lower edge fmin * 2^(k-1) must lie below the Nyquist frequency.
    const double topLow = c.fmin * std::pow(2.0, static_cast<double>(c.nBands - 1));
    if (!(topLow < nyquist)) {
      throwRange("request.contrast: the highest band starts at fmin * 2^(nBands - 1) = " + num(topLow) +
                 " Hz, which must be below sampleRate / 2 = " + num(nyquist) + " Hz; reduce fmin or nBands");
    }
    contrastBands(sr, 2 * (bins - 1), bins, c);  // throws RangeError for empty bands
    cells += (c.nBands + 1) * frames;
  }
  if (req.sections & kSecHpss) {
    const HpssParams& h = req.hpss;
    requireRange(h.kernelSize >= 1 && h.kernelSize <= kMaxMedianSize, "request.hpss.kernelSize",
                 static_cast<double>(h.kernelSize), "an integer in [1, 1025]");
    requireRange(std::isfinite(h.power) && h.power > 0, "request.hpss.power", h.power, "a finite number > 0");
    requireRange(std::isfinite(h.margin) && h.margin >= 1, "request.hpss.margin", h.margin, "a finite number >= 1");
    // The median filters cost about kernelSize operations per spectrogram cell.
    if (static_cast<double>(h.kernelSize) * static_cast<double>(bins * frames) > kMaxMedianWork) {
      throwRange("request.hpss.kernelSize: a median of " + std::to_string(h.kernelSize) + " over " +
                 std::to_string(bins) + " x " + std::to_string(frames) +
                 " STFT cells is too much work for one call; use a smaller kernelSize or split the signal into chunks");
    }
    // D (float64 re/im), |D| and both medians in float32, the overlap-add sums, the harmonic signal
    cells += 7 * bins * frames + 4 * (nSamples + st.nFft) + nSamples;
  }
  if (req.sections & kSecChromaCqt) {
    const ChromaCqtParams& c = req.chromaCqt;
    requireRange(c.hopLength >= 1 && c.hopLength <= 65536, "request.chromaCqt.hopLength",
                 static_cast<double>(c.hopLength), "an integer in [1, 65536]");
    requireRange(c.binsPerOctave >= 12 && c.binsPerOctave <= 120 && c.binsPerOctave % 12 == 0,
                 "request.chromaCqt.binsPerOctave", static_cast<double>(c.binsPerOctave),
                 "a multiple of 12 (the chroma bins) in [12, 120]");
    requireRange(c.nOctaves >= 1 && c.nOctaves <= 10, "request.chromaCqt.nOctaves", static_cast<double>(c.nOctaves),
                 "an integer in [1, 10]");
    requireRange(std::isfinite(c.fmin) && c.fmin > 0, "request.chromaCqt.fmin", c.fmin, "a finite number > 0");
    if (c.tuning) {
      requireRange(std::isfinite(*c.tuning) && *c.tuning >= -0.5 && *c.tuning <= 0.5, "request.chromaCqt.tuning",
                   *c.tuning, "null or a number in [-0.5, 0.5]");
    }
    // The CQT's limits with the given tuning, or with the lowest one an estimate can give (the top filter is then
    // lowest: a request that fails here fails for every tuning). The estimated tuning is checked again.
    CqtParams cp;
    cp.sampleRate = sr;
    cp.hopLength = c.hopLength;
    cp.fmin = c.fmin;
    cp.nBins = c.nOctaves * c.binsPerOctave;
    cp.binsPerOctave = c.binsPerOctave;
    cp.tuning = c.tuning ? *c.tuning : -0.5;
    checkCqt(cp, nSamples);
    const std::size_t cqtFrames = 2 + nSamples / c.hopLength;
    if (!c.tuning) cells += 1025 * (1 + nSamples / 512);  // estimate_tuning's float32 |STFT|
    // |CQT| (float64), chroma, the halved signals and their float64 sums
    cells += 2 * cp.nBins * cqtFrames + 3 * 12 * cqtFrames + 4 * nSamples;
  }
  if (req.wants(FeatureId::Stft)) cells += bins * frames;
  if (req.wants(FeatureId::Logmel)) cells += req.mel.nMels * frames;
  if (cells > kMaxCells) {
    throwRange("request: " + std::to_string(frames) + " frames x the requested features need " + std::to_string(cells) +
               " float cells, above the limit of " + std::to_string(kMaxCells) +
               "; use a larger hopLength or split the signal into chunks");
  }
}

}  // namespace ser
