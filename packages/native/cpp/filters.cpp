// Analysis tables, following librosa 0.10.1 operation by operation (numpy's linspace and rfftfreq arithmetic,
// float32 storage where librosa's default dtype is float32), so the filterbanks equal librosa's to the last bit or so.
#include "filters.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "cache.hpp"
#include "common.hpp"

namespace ser {

namespace {
constexpr double kPi = 3.14159265358979323846264338327950288;
}

// ---- window ----------------------------------------------------------------------------------------------------

std::shared_ptr<const Window> hannWindow(std::size_t nFft, std::size_t winLength) {
  static auto* cache = new Cache<std::pair<std::size_t, std::size_t>, Window>(32);  // leaked, see cache.hpp
  return cache->get({nFft, winLength}, [nFft, winLength] {
    auto win = std::make_shared<Window>();
    win->w.assign(nFft, 0.0);
    // scipy.signal.get_window('hann', M, fftbins=True): general_cosine(M + 1, [0.5, 0.5]) truncated to M, with
    // fac = linspace(-pi, pi, M + 1); M <= 1 gives ones.
    std::vector<double> h(winLength, 1.0);
    if (winLength > 1) {
      const std::size_t mm = winLength + 1;
      for (std::size_t i = 0; i < winLength; ++i) {
        const double fac = linspaceAt(-kPi, kPi, mm, i);
        h[i] = 0.5 + 0.5 * std::cos(fac);
      }
    }
    // librosa.util.pad_center: lpad = (size - n) // 2
    const std::size_t lpad = (nFft - winLength) / 2;
    for (std::size_t i = 0; i < winLength; ++i) win->w[lpad + i] = h[i];
    win->begin = lpad;
    win->end = lpad + winLength;
    return std::shared_ptr<const Window>(win);
  });
}

// ---- mel -------------------------------------------------------------------------------------------------------

double hzToMel(double hz, bool htk) {
  if (htk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  const double fMin = 0.0;
  const double fSp = 200.0 / 3;
  double mel = (hz - fMin) / fSp;
  const double minLogHz = 1000.0;
  const double minLogMel = (minLogHz - fMin) / fSp;
  const double logstep = std::log(6.4) / 27.0;
  if (hz >= minLogHz) mel = minLogMel + std::log(hz / minLogHz) / logstep;
  return mel;
}

double melToHz(double mel, bool htk) {
  if (htk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  const double fMin = 0.0;
  const double fSp = 200.0 / 3;
  double hz = fMin + fSp * mel;
  const double minLogHz = 1000.0;
  const double minLogMel = (minLogHz - fMin) / fSp;
  const double logstep = std::log(6.4) / 27.0;
  if (mel >= minLogMel) hz = minLogHz * std::exp(logstep * (mel - minLogMel));
  return hz;
}

std::shared_ptr<const MelFilterbank> melFilterbank(double sampleRate, std::size_t nFft, const MelParams& p) {
  using Key = std::tuple<double, std::size_t, std::size_t, double, double, bool, bool>;
  static auto* cache = new Cache<Key, MelFilterbank>(32);  // leaked, see cache.hpp
  const Key key{sampleRate, nFft, p.nMels, p.fmin, p.fmax, p.htk, p.slaneyNorm};
  return cache->get(key, [sampleRate, nFft, p] {
    auto fb = std::make_shared<MelFilterbank>();
    const std::size_t bins = nFft / 2 + 1;
    const std::size_t nMels = p.nMels;
    fb->nMels = nMels;
    fb->bins = bins;
    std::vector<double> fftFreqs(bins);
    for (std::size_t k = 0; k < bins; ++k) fftFreqs[k] = rfftFreq(nFft, sampleRate, k);
    // mel_frequencies(n_mels + 2, fmin, fmax, htk)
    const double minMel = hzToMel(p.fmin, p.htk);
    const double maxMel = hzToMel(p.fmax, p.htk);
    std::vector<double> melF(nMels + 2);
    for (std::size_t i = 0; i < nMels + 2; ++i) melF[i] = melToHz(linspaceAt(minMel, maxMel, nMels + 2, i), p.htk);
    std::vector<double> row(bins);
    for (std::size_t i = 0; i < nMels; ++i) {
      const double fdiffLo = melF[i + 1] - melF[i];
      const double fdiffHi = melF[i + 2] - melF[i + 1];
      const double enorm = 2.0 / (melF[i + 2] - melF[i]);
      std::size_t first = bins, last = 0;
      for (std::size_t k = 0; k < bins; ++k) {
        const double lower = -(melF[i] - fftFreqs[k]) / fdiffLo;
        const double upper = (melF[i + 2] - fftFreqs[k]) / fdiffHi;
        double w = std::max(0.0, std::min(lower, upper));
        w = f32(w);  // weights array is float32
        if (p.slaneyNorm) w = f32(w * enorm);
        row[k] = w;
        if (w != 0.0) {
          if (first == bins) first = k;
          last = k;
        }
      }
      fb->offset.push_back(fb->weights.size());
      if (first == bins) {  // empty band (librosa warns); contributes zeros
        fb->begin.push_back(0);
        fb->end.push_back(0);
        continue;
      }
      fb->begin.push_back(first);
      fb->end.push_back(last + 1);
      fb->weights.insert(fb->weights.end(), row.begin() + static_cast<std::ptrdiff_t>(first),
                         row.begin() + static_cast<std::ptrdiff_t>(last + 1));
    }
    return std::shared_ptr<const MelFilterbank>(fb);
  });
}

// ---- chroma ----------------------------------------------------------------------------------------------------

std::shared_ptr<const ChromaFilterbank> chromaFilterbank(double sampleRate, std::size_t nFft, std::size_t nChroma,
                                                         double tuning) {
  using Key = std::tuple<double, std::size_t, std::size_t, double>;
  static auto* cache = new Cache<Key, ChromaFilterbank>(32);  // leaked, see cache.hpp
  return cache->get(Key{sampleRate, nFft, nChroma, tuning}, [sampleRate, nFft, nChroma, tuning] {
    const std::size_t n = nFft;
    const double nc = static_cast<double>(nChroma);
    // frequencies = linspace(0, sr, n_fft, endpoint=False)[1:]; frqbins = n_chroma * hz_to_octs(...)
    const double a440 = 440.0 * std::pow(2.0, tuning / nc);
    const double ref = a440 / 16;
    std::vector<double> frq(n);
    for (std::size_t j = 1; j < n; ++j) {
      const double f = linspaceAt(0.0, sampleRate, n, j, false);
      frq[j] = nc * std::log2(f / ref);
    }
    frq[0] = frq[1] - 1.5 * nc;
    std::vector<double> width(n);
    for (std::size_t j = 0; j + 1 < n; ++j) width[j] = std::max(frq[j + 1] - frq[j], 1.0);
    width[n - 1] = 1.0;
    const double nc2 = std::nearbyint(nc / 2);  // np.round: half to even
    std::vector<double> wts(nChroma * n);
    for (std::size_t c = 0; c < nChroma; ++c) {
      for (std::size_t j = 0; j < n; ++j) {
        double d = frq[j] - static_cast<double>(c);
        d = pyMod(d + nc2 + 10 * nc, nc) - nc2;
        const double z = 2 * d / width[j];
        wts[c * n + j] = std::exp(-0.5 * (z * z));
      }
    }
    // normalize(wts, norm=2, axis=0)
    const double tiny = 2.2250738585072014e-308;
    for (std::size_t j = 0; j < n; ++j) {
      double ss = 0.0;
      for (std::size_t c = 0; c < nChroma; ++c) ss += wts[c * n + j] * wts[c * n + j];
      double len = std::sqrt(ss);
      if (len < tiny) len = 1.0;
      for (std::size_t c = 0; c < nChroma; ++c) wts[c * n + j] = wts[c * n + j] / len;
    }
    // octave weighting: ctroct 5, octwidth 2
    for (std::size_t j = 0; j < n; ++j) {
      const double z = (frq[j] / nc - 5.0) / 2;
      const double g = std::exp(-0.5 * (z * z));
      for (std::size_t c = 0; c < nChroma; ++c) wts[c * n + j] *= g;
    }
    auto fb = std::make_shared<ChromaFilterbank>();
    const std::size_t bins = n / 2 + 1;
    fb->nChroma = nChroma;
    fb->bins = bins;
    fb->weights.resize(nChroma * bins);
    const std::size_t shift = 3 * (nChroma / 12);  // np.roll(wts, -shift, axis=0)
    for (std::size_t c = 0; c < nChroma; ++c) {
      const std::size_t src = (c + shift) % nChroma;
      for (std::size_t k = 0; k < bins; ++k) fb->weights[c * bins + k] = f32(wts[src * n + k]);
    }
    fb->transposed.resize(nChroma * bins);
    for (std::size_t c = 0; c < nChroma; ++c)
      for (std::size_t k = 0; k < bins; ++k) fb->transposed[k * nChroma + c] = fb->weights[c * bins + k];
    return std::shared_ptr<const ChromaFilterbank>(fb);
  });
}

// ---- DCT -------------------------------------------------------------------------------------------------------

std::shared_ptr<const DctMatrix> dctOrtho(std::size_t nOut, std::size_t nIn) {
  static auto* cache = new Cache<std::pair<std::size_t, std::size_t>, DctMatrix>(16);  // leaked, see cache.hpp
  return cache->get({nOut, nIn}, [nOut, nIn] {
    auto d = std::make_shared<DctMatrix>();
    d->nOut = nOut;
    d->nIn = nIn;
    d->m.resize(nOut * nIn);
    const double n = static_cast<double>(nIn);
    const std::uint64_t period = 4 * static_cast<std::uint64_t>(nIn);
    for (std::size_t k = 0; k < nOut; ++k) {
      const double scale = k == 0 ? std::sqrt(1.0 / n) : std::sqrt(2.0 / n);
      for (std::size_t j = 0; j < nIn; ++j) {
        // cos(pi k (2j + 1) / (2 N)), argument reduced exactly modulo 2 pi
        const std::uint64_t t = (static_cast<std::uint64_t>(k) * (2 * j + 1)) % period;
        d->m[k * nIn + j] = scale * std::cos(kPi * static_cast<double>(t) / (2 * n));
      }
    }
    return std::shared_ptr<const DctMatrix>(d);
  });
}

// ---- spectral contrast bands -----------------------------------------------------------------------------------

std::vector<ContrastBand> contrastBands(double sampleRate, std::size_t nFft, std::size_t bins,
                                        const ContrastParams& p) {
  std::vector<double> freq(bins);
  for (std::size_t k = 0; k < bins; ++k) freq[k] = rfftFreq(nFft, sampleRate, k);
  std::vector<double> octa(p.nBands + 2, 0.0);
  for (std::size_t i = 0; i <= p.nBands; ++i) octa[i + 1] = p.fmin * std::pow(2.0, static_cast<double>(i));
  std::vector<ContrastBand> bands;
  for (std::size_t k = 0; k <= p.nBands; ++k) {
    const double lo = octa[k], hi = octa[k + 1];
    std::size_t first = bins, last = 0;
    for (std::size_t b = 0; b < bins; ++b) {
      if (freq[b] >= lo && freq[b] <= hi) {
        if (first == bins) first = b;
        last = b;
      }
    }
    if (first == bins) {
      throwRange("spectral contrast: band " + std::to_string(k) + " (" + std::to_string(lo) + "-" +
                 std::to_string(hi) + " Hz) contains no STFT bin at nFft " + std::to_string(nFft) +
                 "; increase stft.nFft or change contrast.fmin / contrast.nBands");
    }
    if (k > 0 && first > 0) first -= 1;  // librosa: current_band[idx[0] - 1] = True
    if (k == p.nBands) last = bins - 1;  // the last band takes every bin above
    const std::size_t count = last - first + 1;
    std::size_t end = last + 1;
    if (k < p.nBands) end -= 1;  // sub_band = sub_band[:-1]
    if (end <= first) {
      throwRange("spectral contrast: band " + std::to_string(k) + " (" + std::to_string(lo) + "-" +
                 std::to_string(hi) + " Hz) is too narrow at nFft " + std::to_string(nFft) +
                 "; increase stft.nFft or change contrast.fmin / contrast.nBands");
    }
    ContrastBand band;
    band.begin = first;
    band.end = end;
    const double q = std::nearbyint(p.quantile * static_cast<double>(count));  // np.rint
    band.idx = q < 1.0 ? 1 : static_cast<std::size_t>(q);
    bands.push_back(band);
  }
  return bands;
}

}  // namespace ser
