#include "thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

namespace ser {

ThreadPool& ThreadPool::instance() {
  // Leaked on purpose: worker threads may still run while static destructors execute at process exit.
  static ThreadPool* pool = [] {
    auto* p = new ThreadPool();
    p->ensure(defaultSize());
    return p;
  }();
  return *pool;
}

std::size_t ThreadPool::defaultSize() {
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<std::size_t>(hc);
}

std::size_t ThreadPool::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

void ThreadPool::ensure(std::size_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  n = std::min(n, kMaxThreads);
  while (threads_.size() < n) threads_.emplace_back([this] { loop(); });
}

void ThreadPool::loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return !queue_.empty(); });
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void ThreadPool::parallelFor(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& fn) {
  if (count == 0) return;
  workers = std::max<std::size_t>(1, std::min({workers, count, kMaxThreads}));
  ensure(workers);
  struct Job {
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::condition_variable done;
    std::size_t active = 0;
  };
  auto job = std::make_shared<Job>();
  // The caller works too: one task fewer to hand over, and no wake-up of a sleeping caller at the end of every
  // kernel (training calls this a few hundred times per batch on small pieces of work).
  const std::size_t helpers = workers - 1;
  job->active = helpers;
  if (helpers > 0) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::size_t w = 0; w < helpers; ++w) {
        queue_.emplace_back([job, count, &fn] {
          for (;;) {
            const std::size_t i = job->next.fetch_add(1);
            if (i >= count) break;
            fn(i);
          }
          std::lock_guard<std::mutex> l(job->mutex);
          if (--job->active == 0) job->done.notify_all();
        });
      }
    }
    if (helpers == 1) {
      cv_.notify_one();
    } else {
      cv_.notify_all();
    }
  }
  for (;;) {
    const std::size_t i = job->next.fetch_add(1);
    if (i >= count) break;
    fn(i);
  }
  // Helpers that never started still hold `fn` by reference: wait for every one of them.
  std::unique_lock<std::mutex> lock(job->mutex);
  job->done.wait(lock, [&job] { return job->active == 0; });
}

}  // namespace ser
