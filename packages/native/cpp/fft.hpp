// Our own FFT: complex Stockham autosort (radix 4, 2, 3, 5 and small odd primes) for sizes with small factors,
// Bluestein's chirp-z algorithm for the rest, and a real-input FFT built on a half-size complex FFT.
// Split (separate re/im) layout so the passes vectorise. Plans are immutable and cached per size.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace ser {

class ComplexFft {
 public:
  explicit ComplexFft(std::size_t n);
  std::size_t size() const { return n_; }
  /** Doubles of scratch that forward() needs. */
  std::size_t workSize() const { return work_; }
  /** In-place forward DFT, X[k] = sum_j x[j] e^{-2 pi i jk/n}, of re/im (each n long). */
  void forward(double* re, double* im, double* work) const;

  struct Result {
    double* re;
    double* im;
  };
  /** The same DFT, left wherever the last pass wrote it: (re, im) or inside work (saves a copy). */
  Result transform(double* re, double* im, double* work) const;

 private:
  struct Pass {
    unsigned radix = 0;
    std::size_t m = 0;  // n_current / radix
    std::size_t s = 0;  // stride in doubles: (product of the radices before this pass) * vector length
    std::vector<double> twRe, twIm;  // w_{n_current}^{jk} at [(j - 1) * m + k], j = 1..radix-1
  };
  static std::vector<Pass> buildPasses(std::size_t size, std::size_t vectorLength);
  /** Runs passes ping-ponging between (xr, xi) and (yr, yi); returns true when the result ended in (yr, yi). */
  static bool runPasses(const std::vector<Pass>& passes, double* xr, double* xi, double* yr, double* yi);
  Result fourStep(double* re, double* im, double* work) const;
  void bluestein(double* re, double* im, double* work) const;

  std::size_t n_ = 0;
  std::size_t work_ = 0;
  std::vector<Pass> passes_;
  // Four-step (n = n1 * n2, for larger smooth sizes): n2-point transforms across n1-long rows, twiddles
  // w_n^{i k} fused with a transpose, then n1-point transforms across n2-long rows. Every pass then runs long,
  // contiguous inner loops.
  bool useFourStep_ = false;
  std::size_t n1_ = 0, n2_ = 0;
  std::vector<Pass> passesA_, passesB_;
  std::vector<double> fourTwRe_, fourTwIm_;  // [k2 * n1 + i]
  // Bluestein
  bool useBluestein_ = false;
  std::size_t big_ = 0;
  std::shared_ptr<const ComplexFft> inner_;
  std::vector<double> chirpRe_, chirpIm_;  // e^{-i pi k^2 / n}
  std::vector<double> kernRe_, kernIm_;    // FFT(conj chirp, wrapped) / big_
};

/** Real-input FFT of any length n >= 2: fills bins 0..n/2 (n/2 + 1 complex values). */
class RealFft {
 public:
  explicit RealFft(std::size_t n);
  std::size_t size() const { return n_; }
  std::size_t bins() const { return n_ / 2 + 1; }
  std::size_t workSize() const { return work_; }
  /** x: n real samples (not modified); outRe/outIm: bins() values each; work: workSize() doubles. */
  void forward(const double* x, double* outRe, double* outIm, double* work) const;

  /**
   * Zero-copy input for callers that produce the samples themselves (the STFT windows straight into it): for even
   * n, x[2j] goes to even[j] and x[2j + 1] to odd[j] (j < n / 2); for odd n, even holds all n samples and odd is
   * null. Then call transformInput().
   */
  struct Input {
    double* even;
    double* odd;
  };
  Input input(double* work) const;
  /** outPower (optional) receives |X[k]|^2 as well. */
  void transformInput(double* outRe, double* outIm, double* outPower, double* work) const;
  /**
   * transformInput for the bins [first, first + count) only (first + count <= bins()), bin first + j going to
   * outRe[j * stride] and outIm[j * stride]: for callers that use a band of the spectrum, in their own layout.
   */
  void transformInputBand(double* outRe, double* outIm, std::size_t first, std::size_t count, std::size_t stride,
                          double* work) const;

  /**
   * numpy.fft.irfft: bins() values of re/im -> n real samples scaled by 1 / n; the imaginary parts of the DC bin
   * and (even n) the Nyquist bin are ignored. re/im are not modified; work: workSize() doubles.
   */
  void inverse(const double* re, const double* im, double* out, double* work) const;

 private:
  std::size_t n_ = 0;
  std::size_t work_ = 0;
  bool even_ = true;
  std::shared_ptr<const ComplexFft> fft_;  // size n/2 (even n) or n (odd n)
  std::vector<double> wRe_, wIm_;          // e^{-2 pi i k / n}, k = 0..n/2 (even n)
};

/** Cached, thread-safe plan lookup. */
std::shared_ptr<const ComplexFft> complexFftPlan(std::size_t n);
std::shared_ptr<const RealFft> realFftPlan(std::size_t n);

}  // namespace ser
