// Internals of the nn kernels shared between nn_gemm.cpp and nn_conv.cpp: blocking sizes and packed panels.
#pragma once

#include <cstddef>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "thread_pool.hpp"

// The 8-float vectors below live only inside always-inlined helpers; no vector crosses a real call boundary.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ser::nn {

constexpr std::size_t kMR = 6;     // micro-tile rows
constexpr std::size_t kNR = 16;    // micro-tile columns (two 8-float vectors)
constexpr std::size_t kKC = 256;   // depth of a packed block (a B micro-panel of kKC x kNR stays in L1)
constexpr std::size_t kMC = 120;   // rows of a packed A block (kMC x kKC floats stay in L2)
constexpr std::size_t kNC = 4096;  // columns of B packed at once by gemm()

// Eight channels at once as a GCC vector (AVX2 in the x86-64-v3 clones), in code templated on float or v8 so that
// a channel tail runs the same arithmetic one float at a time. Only for always-inlined helpers of SER_HOT kernels.
typedef float v8 __attribute__((vector_size(32)));

template <typename T>
__attribute__((always_inline)) inline T load(const float* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T>
__attribute__((always_inline)) inline void store(float* p, const T& v) {
  std::memcpy(p, &v, sizeof v);
}

/**
 * ThreadPool::parallelFor for kernels that may throw (std::bad_alloc for a huge scratch buffer): the first exception
 * is caught on the worker and rethrown here on the calling thread, where the binding turns it into a RangeError.
 */
inline void parallelSafe(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& fn) {
  std::exception_ptr error;
  std::mutex mutex;
  ThreadPool::instance().parallelFor(count, workers, [&](std::size_t i) {
    try {
      fn(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!error) error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

/** B (K x N) packed once into KC-deep blocks of NR-wide panels, reusable across many A (the conv filters). */
struct PackedB {
  std::size_t k = 0, n = 0, nPad = 0;
  std::vector<float> data;
  void pack(std::size_t K, std::size_t N, const float* B, std::size_t ldb, bool transB);
};

void packA(std::size_t mc, std::size_t kc, const float* A, std::size_t lda, bool transA, float* dst);
void packB(std::size_t kc, std::size_t nc, const float* B, std::size_t ldb, bool transB, float* dst);

/** C (M x B.n) (+)= A (M x B.k) * B, single-threaded. */
void gemmPacked(std::size_t M, const float* A, std::size_t lda, bool transA, const PackedB& B, float* C,
                std::size_t ldc, bool accumulate);
/**
 * gemmPacked with A read in place instead of packed: for a small A that is already in cache (Winograd's transformed
 * tiles), where packing it would only copy it once more.
 */
void gemmInPlaceA(std::size_t M, const float* A, std::size_t lda, bool transA, const PackedB& B, float* C,
                  std::size_t ldc, bool accumulate);

struct ConvShape;
enum class Activation;

/** Winograd F(2x2, 3x3) paths (nn_winograd.cpp) for 3x3 stride-1 convolutions; false when the shape is not one. */
bool winogradForward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                     std::size_t threads);
bool winogradBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, std::size_t threads);
bool winogradBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, std::size_t threads);

}  // namespace ser::nn
