// Shared definitions of the ser native kernels: errors, matrices, small numeric helpers.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

// Hot loops get an AVX2/FMA clone next to the baseline x86-64 one, picked at load time (GCC ifunc). The whole addon
// is built with -ffp-contract=off, so both clones give bit-identical results.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(SER_NO_CLONES)
#define SER_HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SER_HOT
#endif

// Short reductions where GCC's vectoriser does worse than four scalar partial sums.
#if defined(__GNUC__) && !defined(__clang__)
#define SER_NO_VECTORIZE __attribute__((optimize("no-tree-vectorize")))
#else
#define SER_NO_VECTORIZE
#endif

// Loops whose pointers never alias (the compiler cannot prove it for computed offsets).
#if defined(__GNUC__) && !defined(__clang__)
#define SER_IVDEP _Pragma("GCC ivdep")
#elif defined(__clang__)
#define SER_IVDEP _Pragma("clang loop vectorize(assume_safety)")
#else
#define SER_IVDEP
#endif

namespace ser {

/** Which JavaScript error class an error maps to. */
enum class ErrorKind { Type, Range, Generic };

/** Every error the kernels raise on bad input; the binding turns it into TypeError / RangeError / Error. */
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void throwType(const std::string& m) { throw Error(ErrorKind::Type, m); }
[[noreturn]] inline void throwRange(const std::string& m) { throw Error(ErrorKind::Range, m); }
[[noreturn]] inline void throwGeneric(const std::string& m) { throw Error(ErrorKind::Generic, m); }

/** Row-major float32 matrix, rows x cols (librosa's [features][frames] orientation). */
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> data;
  Matrix() = default;
  Matrix(std::size_t r, std::size_t c) : rows(r), cols(c), data(r * c, 0.0f) {}
};

/** Rounds a double to float32 and back: used where librosa's arithmetic is float32. */
inline double f32(double x) { return static_cast<double>(static_cast<float>(x)); }

/** numpy.linspace(start, stop, num)[i] with numpy's exact arithmetic (i * step + start, last = stop). */
inline double linspaceAt(double start, double stop, std::size_t num, std::size_t i, bool endpoint = true) {
  const double div = endpoint ? static_cast<double>(num - 1) : static_cast<double>(num);
  if (endpoint && num > 1 && i == num - 1) return stop;
  const double step = (stop - start) / div;
  const double y = static_cast<double>(i) * step;
  return y + start;
}

/** numpy.fft.rfftfreq(n, 1/sr)[k]: k * (1 / (n * (1 / sr))). */
inline double rfftFreq(std::size_t n, double sr, std::size_t k) {
  const double d = 1.0 / sr;
  const double val = 1.0 / (static_cast<double>(n) * d);
  return static_cast<double>(k) * val;
}

/** numpy's floating remainder (sign of the divisor), as np.remainder / np.mod. */
inline double pyMod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0.0) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = std::copysign(0.0, b);
  }
  return m;
}

inline float pyModF(float a, float b) {
  float m = std::fmod(a, b);
  if (m != 0.0f) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = std::copysign(0.0f, b);
  }
  return m;
}

}  // namespace ser
