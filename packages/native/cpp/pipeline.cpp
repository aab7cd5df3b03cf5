// The STFT pass, the shared mel stage and the feature table.
#include "pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "fft.hpp"
#include "filters.hpp"
#include "hpss.hpp"
#include "tonal.hpp"

namespace ser {

// ---- feature table (the extension point) -----------------------------------------------------------------------

const std::vector<FeatureSpec>& featureTable() {
  static const std::vector<FeatureSpec> table = {
      {"stft", FeatureId::Stft, kSecStft, &makeStftKernel},
      {"mel", FeatureId::Mel, kSecStft | kSecMel, &makeMelKernel},
      {"logmel", FeatureId::Logmel, kSecStft | kSecMel | kSecDb, &makeLogmelKernel},
      {"mfcc", FeatureId::Mfcc, kSecStft | kSecMel | kSecDb | kSecMfcc, &makeMfccKernel},
      {"chromaStft", FeatureId::ChromaStft, kSecStft | kSecChromaStft, &makeChromaStftKernel},
      {"contrast", FeatureId::Contrast, kSecStft | kSecContrast, &makeContrastKernel},
      {"harmonic", FeatureId::Harmonic, kSecStft | kSecHpss, &makeHarmonicKernel},
      {"chromaCqt", FeatureId::ChromaCqt, kSecStft | kSecHpss | kSecChromaCqt, &makeChromaCqtKernel},
      {"tonnetz", FeatureId::Tonnetz, kSecStft | kSecHpss | kSecChromaCqt, &makeTonnetzKernel},
  };
  return table;
}

const FeatureSpec* findFeature(std::string_view name) {
  for (const FeatureSpec& s : featureTable())
    if (name == s.name) return &s;
  return nullptr;
}

const FeatureSpec& featureSpec(FeatureId id) {
  for (const FeatureSpec& s : featureTable())
    if (s.id == id) return s;
  throwGeneric("internal error: feature id without a table entry");
}

// ---- power_to_db -----------------------------------------------------------------------------------------------

namespace {

// Natural logarithm of a positive normal double, fdlibm's algorithm (< 1 ulp), written without calls or branches
// so the loop below vectorises: x = 2^k m with m in [sqrt(2)/2, sqrt(2)), log(m) from s = (m - 1) / (m + 1).
inline double logPositiveNormal(double x) {
  constexpr double ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10;
  constexpr double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01, lg3 = 2.857142874366239149e-01,
                   lg4 = 2.222219843214978396e-01, lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                   lg7 = 1.479819860511658591e-01;
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const std::uint64_t mantissa = bits & 0x000FFFFFFFFFFFFFull;
  // m >= sqrt(2) (mantissa bits above 0x6A09E667F3BCD) moves one binade down.
  const std::uint64_t up = mantissa > 0x6A09E667F3BCCull ? 1 : 0;
  const std::uint64_t mbits = mantissa | ((0x3FFull - up) << 52);
  double m;
  std::memcpy(&m, &mbits, sizeof m);
  // k as a double without an int64 -> double conversion: (2^52 + biased exponent) - (2^52 + 1023)
  const std::uint64_t kbits = 0x4330000000000000ull | ((bits >> 52) + up);
  double kd;
  std::memcpy(&kd, &kbits, sizeof kd);
  kd -= 4503599627370496.0 + 1023.0;
  const double f = m - 1.0;
  const double hfsq = 0.5 * f * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (lg2 + w * (lg4 + w * lg6));
  const double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
  const double r = t2 + t1;
  return kd * ln2Hi - ((hfsq - (s * (hfsq + r) + kd * ln2Lo)) - f);
}

SER_HOT void dbInPlace(double* __restrict s, std::size_t n, double amin, double refDb) {
  constexpr double tenOverLn10 = 4.342944819032518276511289;  // 10 / ln(10)
  for (std::size_t i = 0; i < n; ++i) s[i] = tenOverLn10 * logPositiveNormal(std::max(amin, s[i])) - refDb;
}

}  // namespace

void powerToDb(std::vector<double>& s, double amin, std::optional<double> topDb) {
  const double refDb = 10.0 * std::log10(std::max(amin, 1.0));  // ref = 1.0
  if (amin >= 2.2250738585072014e-308) {
    dbInPlace(s.data(), s.size(), amin, refDb);
  } else {  // a subnormal amin: the library logarithm handles subnormal inputs
    for (double& v : s) v = 10.0 * std::log10(std::max(amin, v)) - refDb;
  }
  if (topDb && !s.empty()) {
    double mx = -std::numeric_limits<double>::infinity();
    for (double v : s) mx = std::max(mx, v);
    const double floor = mx - *topDb;
    for (double& v : s) v = std::max(v, floor);
  }
}

// ---- mel stage -------------------------------------------------------------------------------------------------

struct MelStage::Impl {
  std::shared_ptr<const MelFilterbank> fb;
  double power = 2.0;
  std::vector<double> tmp;  // |X|^power for powers other than 1 and 2
};

MelStage::MelStage(Pipeline& p) : p_(p), impl_(std::make_unique<Impl>()) {
  const Request& r = p.request();
  impl_->fb = melFilterbank(p.sampleRate(), r.stft.nFft, r.mel);
  impl_->power = r.mel.power;
  if (impl_->power != 2.0) p.needMagnitude();
  if (impl_->power != 2.0 && impl_->power != 1.0) impl_->tmp.resize(p.bins());
  power_.assign(r.mel.nMels * p.frames(), 0.0);
  p.addConsumer(this);
}

MelStage::~MelStage() = default;

namespace {
// The sparse mel product: band b sums w * src over its nonzero span only. Scalar on purpose (GCC's vectoriser does
// poorly on these short spans); four partial sums in a fixed order are four independent dependency chains and give
// the same bits on every CPU path.
SER_NO_VECTORIZE void applyMel(const double* __restrict src, const std::size_t* begin, const std::size_t* end,
                               const std::size_t* offset, const double* __restrict w, std::size_t nMels,
                               double* __restrict out, std::size_t stride) {
  for (std::size_t b = 0; b < nMels; ++b) {
    const double* wb = w + offset[b] - begin[b];
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    std::size_t k = begin[b];
    for (; k + 4 <= end[b]; k += 4) {
      a0 += wb[k] * src[k];
      a1 += wb[k + 1] * src[k + 1];
      a2 += wb[k + 2] * src[k + 2];
      a3 += wb[k + 3] * src[k + 3];
    }
    for (; k < end[b]; ++k) a0 += wb[k] * src[k];
    out[b * stride] = (a0 + a1) + (a2 + a3);
  }
}
}  // namespace

void MelStage::consume(std::size_t frame, const Spectrum& s) {
  const double* src = s.power;
  if (impl_->power == 1.0) {
    src = s.mag;
  } else if (impl_->power != 2.0) {
    for (std::size_t k = 0; k < s.bins; ++k) impl_->tmp[k] = std::pow(s.mag[k], impl_->power);
    src = impl_->tmp.data();
  }
  const MelFilterbank& fb = *impl_->fb;
  applyMel(src, fb.begin.data(), fb.end.data(), fb.offset.data(), fb.weights.data(), fb.nMels, power_.data() + frame,
           p_.frames());
}

const std::vector<double>& MelStage::db() {
  if (!dbDone_) {
    if (keepPower_) {
      db_ = power_;
    } else {
      db_.swap(power_);
    }
    powerToDb(db_, p_.request().db.amin, p_.request().db.topDb);
    dbDone_ = true;
  }
  return db_;
}

// ---- pipeline --------------------------------------------------------------------------------------------------

Pipeline::Pipeline(const float* samples, std::size_t nSamples, double sampleRate, const Request& req)
    : samples_(samples), nSamples_(nSamples), sampleRate_(sampleRate), req_(req),
      frames_(frameCount(req.stft, nSamples)) {}

Pipeline::~Pipeline() = default;

MelStage& Pipeline::mel() {
  if (!mel_) mel_ = std::make_unique<MelStage>(*this);
  return *mel_;
}

HarmonicStage& Pipeline::harmonic() {
  if (!harmonic_) harmonic_ = std::make_unique<HarmonicStage>(*this);
  return *harmonic_;
}

ChromaCqtStage& Pipeline::chromaCqt() {
  if (!chromaCqt_) chromaCqt_ = std::make_unique<ChromaCqtStage>(*this);
  return *chromaCqt_;
}

namespace {

// Windowed frame straight into the real FFT's split input: even[j] = w[2j] x[2j], odd[j] = w[2j+1] x[2j+1].
SER_HOT void windowSplit(const float* __restrict x, const double* __restrict we, const double* __restrict wo,
                         double* __restrict even, double* __restrict odd, std::size_t m) {
  for (std::size_t j = 0; j < m; ++j) {
    even[j] = we[j] * static_cast<double>(x[2 * j]);
    odd[j] = wo[j] * static_cast<double>(x[2 * j + 1]);
  }
}

SER_HOT void windowPlain(const float* __restrict x, const double* __restrict w, double* __restrict out,
                         std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = w[i] * static_cast<double>(x[i]);
}

SER_HOT void sqrtInto(const double* __restrict pw, double* __restrict mag, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) mag[k] = std::sqrt(pw[k]);
}

// numpy.abs of librosa's complex64 STFT: hypotf(float(re), float(im)).
SER_HOT void magnitude32(const double* __restrict re, const double* __restrict im, float* __restrict out,
                         std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const double r = static_cast<double>(static_cast<float>(re[k]));
    const double i = static_cast<double>(static_cast<float>(im[k]));
    out[k] = static_cast<float>(std::sqrt(r * r + i * i));
  }
}

}  // namespace

StftFrames::StftFrames(const float* samples, std::size_t nSamples, const StftParams& p)
    : samples_(samples), nSamples_(nSamples), p_(p), fft_(realFftPlan(p.nFft)), win_(hannWindow(p.nFft, p.winLength)) {
  if (p.nFft % 2 == 0) {
    const std::size_t m = p.nFft / 2;
    wEven_.resize(m);
    wOdd_.resize(m);
    for (std::size_t j = 0; j < m; ++j) {
      wEven_[j] = win_->w[2 * j];
      wOdd_[j] = win_->w[2 * j + 1];
    }
  }
}

std::size_t StftFrames::workSize() const { return fft_->workSize(); }

void StftFrames::transform(std::size_t t, double* re, double* im, double* power, double* work) const {
  const std::size_t nFft = p_.nFft;
  const bool even = nFft % 2 == 0;
  const std::size_t m = nFft / 2;
  const double* w = win_->w.data();
  const RealFft::Input in = fft_->input(work);
  const std::ptrdiff_t nfft = static_cast<std::ptrdiff_t>(nFft);
  const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(nSamples_);
  const std::ptrdiff_t pad = p_.center ? static_cast<std::ptrdiff_t>(nFft / 2) : 0;
  const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t * p_.hopLength) - pad;  // padded-frame origin in y
  if (start >= 0 && start + nfft <= n) {
    if (even) {
      windowSplit(samples_ + start, wEven_.data(), wOdd_.data(), in.even, in.odd, m);
    } else {
      windowPlain(samples_ + start, w, in.even, nFft);
    }
  } else {
    // Frames reaching into the zero padding (center=True): bounds-checked.
    const std::ptrdiff_t wb = static_cast<std::ptrdiff_t>(win_->begin);
    const std::ptrdiff_t we = static_cast<std::ptrdiff_t>(win_->end);
    for (std::ptrdiff_t i = 0; i < nfft; ++i) {
      const std::ptrdiff_t j = start + i;
      const double v = (i >= wb && i < we && j >= 0 && j < n) ? w[i] * static_cast<double>(samples_[j]) : 0.0;
      if (!even) {
        in.even[i] = v;
      } else if (i % 2 == 0) {
        in.even[i / 2] = v;
      } else {
        in.odd[i / 2] = v;
      }
    }
  }
  fft_->transformInput(re, im, power, work);
}

void Pipeline::run() {
  const std::size_t nb = bins();
  const StftFrames stft(samples_, nSamples_, req_.stft);
  // All buffers are allocated once per call; the frame loop allocates nothing.
  std::vector<double> re(nb), im(nb), pw(nb), work(stft.workSize());
  std::vector<double> mag(needMag_ ? nb : 0);
  std::vector<float> mag32(needMag32_ ? nb : 0);
  Spectrum spec;
  spec.bins = nb;
  spec.re = re.data();
  spec.im = im.data();
  spec.power = pw.data();
  spec.mag = needMag_ ? mag.data() : nullptr;
  spec.mag32 = needMag32_ ? mag32.data() : nullptr;
  for (std::size_t t = 0; t < frames_; ++t) {
    stft.transform(t, re.data(), im.data(), pw.data(), work.data());
    if (needMag_) sqrtInto(pw.data(), mag.data(), nb);
    if (needMag32_) magnitude32(re.data(), im.data(), mag32.data(), nb);
    for (FrameConsumer* c : consumers_) c->consume(t, spec);
  }
}

FeatureOutput computeFeatures(const float* samples, std::size_t nSamples, double sampleRate, const Request& req) {
  Pipeline pipeline(samples, nSamples, sampleRate, req);
  std::vector<std::unique_ptr<FeatureKernel>> kernels;
  for (FeatureId id : req.features) {
    const FeatureSpec& spec = featureSpec(id);
    if (!spec.create) {
      throwGeneric(std::string("feature '") + spec.name + "' is not implemented in the native engine yet");
    }
    kernels.push_back(spec.create(pipeline));
  }
  pipeline.run();
  FeatureOutput out;
  for (auto& k : kernels) k->finish(out);
  return out;
}

}  // namespace ser
