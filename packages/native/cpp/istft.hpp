// librosa.istft for librosa.effects.harmonic: inverse real FFT of every frame, Hann synthesis window, overlap-add,
// division by the summed squared window.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "request.hpp"

namespace ser {

class RealFft;
struct Window;

/**
 * librosa.istft(S, hop_length, win_length, n_fft, window='hann', center, length), fed one frame at a time in
 * order. Samples are final once no later frame reaches them, so the sums live in a ring of about n_fft values and
 * the output is written as it completes.
 */
class InverseStft {
 public:
  /** y: where the `length` output samples go (float32, as librosa returns a float32 input's dtype). */
  InverseStft(const StftParams& p, std::size_t availableFrames, float* y, std::size_t length);
  ~InverseStft();
  /** Frames librosa uses: with `length` given it trims to ceil(padded length / hop). */
  std::size_t frames() const { return frames_; }
  /** Overlap-adds frame t (bins values of re/im); t = 0, 1, ..., frames() - 1 in turn. */
  void add(std::size_t t, const double* re, const double* im);
  /** Writes the samples after the last frame's hop (call once, after the last add). */
  void finish();

 private:
  /** Writes padded positions [from, to) and clears their ring slots. */
  void emit(std::size_t from, std::size_t to);

  StftParams p_;
  float* y_;
  std::size_t length_;
  std::size_t frames_ = 0;
  std::size_t span_ = 0;  // padded positions the frames cover
  std::shared_ptr<const RealFft> fft_;
  std::shared_ptr<const Window> window_;
  std::vector<double> frame_, work_, ola_, windowSum_;  // ola_ / windowSum_: rings of ring_ positions
};

}  // namespace ser
