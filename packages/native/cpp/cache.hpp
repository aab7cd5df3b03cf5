// A small thread-safe cache of immutable objects (FFT plans, filterbanks), keyed by their parameters.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace ser {

/**
 * Maps Key -> shared_ptr<const Value>. Values are built outside the lock (two threads may build the same value once
 * each; the first one stored wins), and the cache is bounded: when it holds `capacity` entries it is emptied, so
 * hostile parameter sweeps cannot grow memory without bound (callers keep their shared_ptr alive regardless).
 * The caches themselves are allocated once and never destroyed, so pool threads still working while the process
 * exits never touch a destroyed cache.
 */
template <typename Key, typename Value>
class Cache {
 public:
  explicit Cache(std::size_t capacity = 32) : capacity_(capacity) {}

  std::shared_ptr<const Value> get(const Key& key, const std::function<std::shared_ptr<const Value>()>& build) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = map_.find(key);
      if (it != map_.end()) return it->second;
    }
    std::shared_ptr<const Value> value = build();
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = map_.find(key);
    if (it != map_.end()) return it->second;
    if (map_.size() >= capacity_) map_.clear();
    map_.emplace(key, value);
    return value;
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::map<Key, std::shared_ptr<const Value>> map_;
};

}  // namespace ser
