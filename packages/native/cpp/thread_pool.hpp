// The addon's own worker threads for computeBatch (libuv's pool only hosts the AsyncWorker that waits on them).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ser {

class ThreadPool {
 public:
  /** Process-wide pool, sized to std::thread::hardware_concurrency() (at least 1); never destroyed. */
  static ThreadPool& instance();
  static std::size_t defaultSize();

  /** Largest worker count a batch may ask for. */
  static constexpr std::size_t kMaxThreads = 256;

  /**
   * Calls fn(i) for every i in [0, count), on at most `workers` pool threads at once, and blocks until all are done.
   * fn must not throw. Several callers may run batches concurrently; the pool grows to the largest `workers` asked.
   */
  void parallelFor(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& fn);

  std::size_t size();

 private:
  ThreadPool() = default;
  void ensure(std::size_t n);
  void loop();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
};

}  // namespace ser
