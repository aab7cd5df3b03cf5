// Integer-factor downsampling with the TypeScript twin's Kaiser-windowed sinc (see downsample.hpp).
//
// resample.ts scatters each input sample into the 2H outputs its kernel reaches, using kernel row `phase` (the
// input's position between two outputs). The same sum, written per output, is a sum of `factor` FIR filters, one
// per polyphase component x_p[i] = x[factor * i + p]:
//   y[m] = sum_p sum_{q < 2H} x_p[m - H + q] * row_p[2H - 1 - q].
// Evaluated phase by phase over blocks of outputs kept in registers: a vectorised multiply-add stream with no
// scatter. Only the order of the float64 additions differs from resample.ts (differences ~1e-16, before the results
// are rounded to float32).
#include "downsample.hpp"

#include <cmath>
#include <cstring>

#include "common.hpp"

namespace ser {

namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;
/** resample.ts: largest exact polyphase table (float64 entries); above it rows are interpolated. */
constexpr std::size_t kMaxTableEntries = std::size_t{1} << 18;
/** resample.ts: phase resolution of the interpolated table, rows per output sample. */
constexpr std::size_t kFinePhases = 1024;

/** Modified Bessel function of the first kind, order 0, by its power series (kaiser.ts). */
double besselI0(double x) {
  const double q = (x * x) / 4;
  double term = 1.0;
  double sum = 1.0;
  for (double k = 1; term > sum * 1e-17; ++k) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** kaiser.ts kaiserSinc: sinc(z) * kaiser(z / zeroCrossings), z in zero crossings of the cutoff sinc. */
struct KaiserSinc {
  double zeroCrossings;
  double beta;
  double norm;
  KaiserSinc(double z, double b) : zeroCrossings(z), beta(b), norm(1.0 / besselI0(b)) {}
  double operator()(double z) const {
    const double t = z / zeroCrossings;
    if (!(t > -1 && t < 1)) return 0.0;
    const double sinc = z == 0 ? 1.0 : std::sin(kPi * z) / (kPi * z);
    return sinc * besselI0(beta * std::sqrt(1 - t * t)) * norm;
  }
};

#if defined(__GNUC__)
typedef double Quad __attribute__((vector_size(4 * sizeof(double))));
#endif

constexpr std::size_t kBlock = 32;  // outputs per block: eight vectors of accumulators

/**
 * acc[m] += sum_q b[m + q] * c[q] for m < nBlocks * kBlock. Eight independent accumulator vectors hide the
 * latency of the additions (the build does not contract multiply-adds).
 */
SER_HOT void firAccumulate(const double* __restrict b, const double* __restrict c, std::size_t taps,
                           double* __restrict acc, std::size_t nBlocks) {
#if defined(__GNUC__)
  constexpr std::size_t kVectors = kBlock / 4;
  for (std::size_t blk = 0; blk < nBlocks; ++blk) {
    double* out = acc + blk * kBlock;
    const double* in = b + blk * kBlock;
    Quad a[kVectors];
    std::memcpy(a, out, sizeof a);
    for (std::size_t q = 0; q < taps; ++q) {
      const double cq = c[q];
      for (std::size_t v = 0; v < kVectors; ++v) {
        Quad x;
        std::memcpy(&x, in + q + 4 * v, sizeof(Quad));
        a[v] += x * cq;
      }
    }
    std::memcpy(out, a, sizeof a);
  }
#else
  for (std::size_t m = 0; m < nBlocks * kBlock; ++m) {
    double a = acc[m];
    for (std::size_t q = 0; q < taps; ++q) a += b[m + q] * c[q];
    acc[m] = a;
  }
#endif
}

}  // namespace

std::vector<float> downsample(const float* x, std::size_t n, std::size_t factor, const SincOptions& o) {
  if (factor <= 1) return std::vector<float>(x, x + n);
  const std::size_t nOut = (n + factor - 1) / factor;
  // KernelRows of resample.ts: H >= zeroCrossings / rolloff rounded up to even, rows of 2H taps, gain = cutoff.
  const KaiserSinc kernel(static_cast<double>(o.zeroCrossings), o.kaiserBeta);
  const std::size_t half = 2 * static_cast<std::size_t>(std::ceil(static_cast<double>(o.zeroCrossings) / o.rolloff / 2));
  const std::size_t taps = 2 * half;
  const double gain = (o.rolloff * 1) / static_cast<double>(factor);
  const bool exact = factor * taps <= kMaxTableEntries;
  const double step = static_cast<double>(exact ? factor : kFinePhases);
  auto tableRow = [&](std::size_t j, double* row) {
    const double z0 = o.rolloff * (static_cast<double>(j) / step + static_cast<double>(half) - 1);
    for (std::size_t k = 0; k < taps; ++k) row[k] = gain * kernel(z0 - o.rolloff * static_cast<double>(k));
  };
  // Without an exact table, rows come from linear interpolation between the two fine rows around the phase.
  std::vector<double> fine;
  if (!exact) {
    fine.resize((kFinePhases + 1) * taps);
    for (std::size_t j = 0; j <= kFinePhases; ++j) tableRow(j, &fine[j * taps]);
  }

  const std::size_t nBlocks = (nOut + kBlock - 1) / kBlock;
  std::vector<double> acc(nBlocks * kBlock, 0.0);
  std::vector<double> row(taps), rev(taps), b(nBlocks * kBlock + taps);
  for (std::size_t p = 0; p < factor; ++p) {
    if (exact) {
      tableRow(p, row.data());
    } else {
      const double at = (static_cast<double>(p) / static_cast<double>(factor)) * static_cast<double>(kFinePhases);
      const std::size_t j = static_cast<std::size_t>(std::floor(at));
      const double f = at - static_cast<double>(j);
      const double* lo = &fine[j * taps];
      const double* hi = lo + taps;
      for (std::size_t k = 0; k < taps; ++k) row[k] = lo[k] + f * (hi[k] - lo[k]);
    }
    for (std::size_t q = 0; q < taps; ++q) rev[q] = row[taps - 1 - q];
    // b[j] = x_p[j - H], zero outside the signal.
    for (std::size_t j = 0; j < b.size(); ++j) {
      const std::ptrdiff_t i = static_cast<std::ptrdiff_t>(j) - static_cast<std::ptrdiff_t>(half);
      const std::ptrdiff_t s = i * static_cast<std::ptrdiff_t>(factor) + static_cast<std::ptrdiff_t>(p);
      b[j] = (s >= 0 && s < static_cast<std::ptrdiff_t>(n)) ? static_cast<double>(x[s]) : 0.0;
    }
    firAccumulate(b.data(), rev.data(), taps, acc.data(), nBlocks);
  }
  std::vector<float> y(nOut);
  for (std::size_t m = 0; m < nOut; ++m) y[m] = static_cast<float>(acc[m]);
  return y;
}

}  // namespace ser
