// Sliding median filters for HPSS, where librosa.effects.harmonic spends most of its time (two 31-wide medians over
// a 1025 x frames spectrogram).
//
// Eight lines are filtered at once, one per SIMD lane, so every operation below is a plain vector operation with
// no branch and no shuffle. Each lane keeps its window sorted in a[0..k) (a[k] = +inf). Sliding by one sample drops
// the outgoing value o and takes the incoming value x in one pass over the slots:
//   d[j] = a[j] < o ? a[j] : a[j + 1]        (a without one copy of o: slots from o's on move down one)
//   a[j] = min(d[j], max(d[j - 1], x))        (x inserted into d, with d[-1] = -inf)
// Both identities hold for any sorted a containing o, duplicates included. That is 4 operations per slot and lane:
// about 4 k / 8 per output, against a sorted array's binary search plus a data-dependent shift, whose branches
// mispredict on every other sample.
//
// Median filtering commutes with rounding to float32 (rounding is monotonic, so it preserves order statistics):
// the result is the float64 filter's rounded to float32, exactly, at twice the lanes per vector.
#include "median.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "common.hpp"

namespace ser {

std::size_t reflectIndex(std::ptrdiff_t i, std::size_t n) {
  if (n == 1) return 0;
  const std::ptrdiff_t period = 2 * static_cast<std::ptrdiff_t>(n);
  std::ptrdiff_t m = i % period;
  if (m < 0) m += period;
  const std::size_t u = static_cast<std::size_t>(m);
  return u < n ? u : static_cast<std::size_t>(period) - 1 - u;
}

namespace {

constexpr std::size_t kLanes = MedianAlongBins::kLines;

#if defined(__GNUC__)
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
#define SER_LANES_LOAD(dst, src) std::memcpy(&(dst), (src), sizeof(Lanes))
#define SER_LANES_STORE(dst, src) std::memcpy((dst), &(src), sizeof(Lanes))
#endif

/**
 * Filters kLanes lines at once. in[j]: the kLanes values (one per line) at padded position j, j < n + k - 1;
 * out + i * outStride: where output i's kLanes values go. a: scratch for (k + 1) * kLanes floats, w: for k.
 */
SER_HOT void slideLanes(const float* const* in, std::size_t n, std::size_t k, float* __restrict out,
                        std::size_t outStride, float* __restrict a, float* __restrict w) {
  const std::size_t rank = k / 2;
  // The first window, sorted per lane (once per line, so a plain sort).
  for (std::size_t l = 0; l < kLanes; ++l) {
    for (std::size_t j = 0; j < k; ++j) w[j] = in[j][l];
    std::sort(w, w + k);
    for (std::size_t j = 0; j < k; ++j) a[j * kLanes + l] = w[j];
    a[k * kLanes + l] = std::numeric_limits<float>::infinity();
  }
  std::memcpy(out, a + rank * kLanes, kLanes * sizeof(float));
  if (k == 1) {
    for (std::size_t i = 1; i < n; ++i) std::memcpy(out + i * outStride, in[i], kLanes * sizeof(float));
    return;
  }
#if defined(__GNUC__)
  Lanes negInf;
  for (std::size_t l = 0; l < kLanes; ++l) negInf[l] = -std::numeric_limits<float>::infinity();
  for (std::size_t i = 1; i < n; ++i) {
    Lanes o, x, cur;
    SER_LANES_LOAD(o, in[i - 1]);
    SER_LANES_LOAD(x, in[i + k - 1]);
    SER_LANES_LOAD(cur, a);
    Lanes dPrev = negInf;
    for (std::size_t j = 0; j < k; ++j) {
      Lanes next;
      SER_LANES_LOAD(next, a + (j + 1) * kLanes);
      const Lanes d = cur < o ? cur : next;
      const Lanes m = dPrev > x ? dPrev : x;
      const Lanes f = d < m ? d : m;
      SER_LANES_STORE(a + j * kLanes, f);
      dPrev = d;
      cur = next;
    }
    std::memcpy(out + i * outStride, a + rank * kLanes, kLanes * sizeof(float));
  }
#else
  for (std::size_t i = 1; i < n; ++i) {
    for (std::size_t l = 0; l < kLanes; ++l) {
      const float o = in[i - 1][l];
      const float x = in[i + k - 1][l];
      float dPrev = -std::numeric_limits<float>::infinity();
      for (std::size_t j = 0; j < k; ++j) {
        const float c = a[j * kLanes + l];
        const float d = c < o ? c : a[(j + 1) * kLanes + l];
        const float m = dPrev > x ? dPrev : x;
        a[j * kLanes + l] = d < m ? d : m;
        dPrev = d;
      }
      out[i * outStride + l] = a[rank * kLanes + l];
    }
  }
#endif
}

/** Padded position j of a line of n samples reads sample reflect(j - floor(size / 2)). */
std::vector<std::size_t> reflectedPositions(std::size_t n, std::size_t size) {
  const std::ptrdiff_t before = static_cast<std::ptrdiff_t>(size / 2);
  std::vector<std::size_t> src(n + size - 1);
  for (std::size_t j = 0; j < src.size(); ++j) src[j] = reflectIndex(static_cast<std::ptrdiff_t>(j) - before, n);
  return src;
}

}  // namespace

void medianAlongFrames(const float* x, std::size_t frames, std::size_t bins, std::size_t stride, std::size_t size,
                       float* out) {
  if (frames == 0 || bins == 0 || size == 0) return;
  const std::vector<std::size_t> src = reflectedPositions(frames, size);
  // Two groups of lanes per pass (bins b0..b0+15, a cache line of every frame): each line is gathered once into a
  // contiguous block, both groups slide there, and the results go back a line per frame. Reading and writing the
  // frames in place instead leaves the slide waiting on one cache miss after another.
  constexpr std::size_t kPair = 2 * kLanes;
  std::vector<float> pad(src.size() * kPair), res(frames * kPair), state((size + 1) * kLanes), w(size);
  std::vector<const float*> inLo(src.size()), inHi(src.size());
  for (std::size_t j = 0; j < src.size(); ++j) {
    inLo[j] = &pad[j * kPair];
    inHi[j] = &pad[j * kPair + kLanes];
  }
  for (std::size_t b0 = 0; b0 < bins; b0 += kPair) {
    const std::size_t lanes = std::min(kPair, stride - b0);  // stride is a multiple of kLanes
    for (std::size_t j = 0; j < src.size(); ++j) std::memcpy(&pad[j * kPair], x + src[j] * stride + b0, lanes * sizeof(float));
    slideLanes(inLo.data(), frames, size, res.data(), kPair, state.data(), w.data());
    if (lanes > kLanes) slideLanes(inHi.data(), frames, size, res.data() + kLanes, kPair, state.data(), w.data());
    for (std::size_t i = 0; i < frames; ++i) std::memcpy(out + i * stride + b0, &res[i * kPair], lanes * sizeof(float));
  }
}

MedianAlongBins::MedianAlongBins(std::size_t bins, std::size_t size)
    : bins_(bins), size_(size), src_(reflectedPositions(bins, size)), in_(src_.size()),
      pad_(src_.size() * kLanes), res_(bins * kLanes), state_((size + 1) * kLanes + size) {
  for (std::size_t j = 0; j < src_.size(); ++j) in_[j] = &pad_[j * kLanes];
}

void MedianAlongBins::run(const float* rows, std::size_t count, std::size_t stride, float* out) {
  // Lines are frames: each frame's spectrum goes into its lane (missing frames as zeros), and back.
  for (std::size_t l = 0; l < kLanes; ++l) {
    if (l < count) {
      const float* row = rows + l * stride;
      for (std::size_t j = 0; j < src_.size(); ++j) pad_[j * kLanes + l] = row[src_[j]];
    } else {
      for (std::size_t j = 0; j < src_.size(); ++j) pad_[j * kLanes + l] = 0.0f;
    }
  }
  slideLanes(in_.data(), bins_, size_, res_.data(), kLanes, state_.data(), state_.data() + (size_ + 1) * kLanes);
  for (std::size_t l = 0; l < count; ++l) {
    float* row = out + l * stride;
    for (std::size_t b = 0; b < bins_; ++b) row[b] = res_[b * kLanes + l];
  }
}

}  // namespace ser
