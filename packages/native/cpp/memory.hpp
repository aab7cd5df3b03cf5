// Large per-call buffers (spectrogram-sized, megabytes each) on transparent huge pages where the kernel offers them.
//
// Each compute call allocates a few such buffers and frees them at the end, and the C library hands most of that
// memory back to the kernel, so every call faults the pages in again: one fault and one page clear per 4 KiB cost
// about a tenth of a classic193 call. On huge pages that is one fault per 2 MiB, and the strided passes over the
// spectrogram (the median filters' gathers) miss the TLB far less.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace ser {

/** Huge-page size the large buffers are aligned to (x86-64 and arm64 with 4 KiB base pages). */
constexpr std::size_t kHugePage = std::size_t{1} << 21;

/**
 * Asks the kernel to back the whole huge pages inside [p, p + bytes) with transparent huge pages when they are
 * first touched (Linux madvise MADV_HUGEPAGE; only advice, errors are ignored). Does nothing elsewhere.
 */
void adviseHugePages(void* p, std::size_t bytes);

/** std::allocator, except that blocks of a huge page or more are aligned to one and advised for huge pages. */
template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    void* p = ::operator new(bytes, std::align_val_t{kHugePage});
    adviseHugePages(p, bytes);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete(p);
    } else {
      ::operator delete(p, std::align_val_t{kHugePage});
    }
  }
  template <typename U>
  bool operator==(const LargeAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const LargeAllocator<U>&) const { return false; }
};

/** A call's large scratch or intermediate matrix. */
template <typename T>
using LargeVector = std::vector<T, LargeAllocator<T>>;

/** n uninitialised elements of a trivial type on LargeAllocator storage (for buffers written before they are read). */
template <typename T>
class LargeArray {
 public:
  LargeArray() = default;
  explicit LargeArray(std::size_t n) : p_(LargeAllocator<T>().allocate(n)), n_(n) {}
  LargeArray(LargeArray&& o) noexcept : p_(o.p_), n_(o.n_) {
    o.p_ = nullptr;
    o.n_ = 0;
  }
  LargeArray& operator=(LargeArray&& o) noexcept {
    if (this != &o) {
      reset();
      p_ = o.p_;
      n_ = o.n_;
      o.p_ = nullptr;
      o.n_ = 0;
    }
    return *this;
  }
  LargeArray(const LargeArray&) = delete;
  LargeArray& operator=(const LargeArray&) = delete;
  ~LargeArray() { reset(); }

  T* get() const { return p_; }
  void reset() {
    if (p_ != nullptr) LargeAllocator<T>().deallocate(p_, n_);
    p_ = nullptr;
    n_ = 0;
  }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

/** v = n copies of value, on fresh storage advised for huge pages when v's own is too small. */
template <typename T>
void assignLarge(std::vector<T>& v, std::size_t n, const T& value = T()) {
  if (v.capacity() < n) {
    std::vector<T> fresh;
    fresh.reserve(n);
    adviseHugePages(fresh.data(), n * sizeof(T));
    v.swap(fresh);
  }
  v.assign(n, value);
}

}  // namespace ser
