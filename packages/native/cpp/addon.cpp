// The N-API binding: argument parsing and type checks, sync compute, and computeBatch (an AsyncWorker whose Execute
// spreads the items over our own thread pool). No JavaScript input may crash the process: every failure becomes a
// TypeError, RangeError or Error.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "nn_binding.hpp"
#include "pipeline.hpp"
#include "request.hpp"
#include "thread_pool.hpp"

#ifndef SER_NATIVE_VERSION
#define SER_NATIVE_VERSION "0.0.0"
#endif

namespace {

using ser::ErrorKind;

/** Bumped whenever the JS <-> C++ contract changes; the loader refuses a stale build. */
constexpr int kAbi = 1;

[[noreturn]] void throwJs(Napi::Env env, ErrorKind kind, const std::string& msg) {
  switch (kind) {
    case ErrorKind::Type:
      throw Napi::TypeError::New(env, msg);
    case ErrorKind::Range:
      throw Napi::RangeError::New(env, msg);
    default:
      throw Napi::Error::New(env, msg);
  }
}

/** Runs fn and maps our C++ exceptions onto JavaScript errors (Napi::Error passes through). */
template <typename F>
auto guarded(Napi::Env env, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const ser::Error& e) {
    throwJs(env, e.kind(), e.what());
  } catch (const std::bad_alloc&) {
    throwJs(env, ErrorKind::Range, "@ser/native: out of memory for this input; split the signal into shorter chunks");
  } catch (const std::exception& e) {
    throwJs(env, ErrorKind::Generic, std::string("@ser/native: internal error: ") + e.what());
  }
}

std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return "a boolean";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array:
        return "a Float32Array";
      case napi_float64_array:
        return "a Float64Array";
      case napi_int16_array:
        return "an Int16Array";
      default:
        return "a typed array of another type";
    }
  }
  if (v.IsFunction()) return "a function";
  if (v.IsObject()) return "an object";
  return "a value of another type";
}

Napi::Object requireObject(const Napi::Value& v, const std::string& path) {
  if (!v.IsObject() || v.IsArray() || v.IsFunction() || v.IsTypedArray() || v.IsArrayBuffer()) {
    throwJs(v.Env(), ErrorKind::Type, path + " must be an object (got " + describe(v) + ")");
  }
  return v.As<Napi::Object>();
}

Napi::Value field(const Napi::Object& o, const char* key, const std::string& path) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) throwJs(o.Env(), ErrorKind::Type, path + "." + key + " is missing");
  return v;
}

double number(const Napi::Object& o, const char* key, const std::string& path) {
  Napi::Value v = field(o, key, path);
  if (!v.IsNumber()) throwJs(o.Env(), ErrorKind::Type, path + "." + key + " must be a number (got " + describe(v) + ")");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throwJs(o.Env(), ErrorKind::Range, path + "." + key + " must be finite (got " + std::to_string(d) + ")");
  return d;
}

std::size_t integer(const Napi::Object& o, const char* key, const std::string& path, double lo, double hi) {
  const double d = number(o, key, path);
  if (std::floor(d) != d || d < lo || d > hi) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", d);
    throwJs(o.Env(), ErrorKind::Range,
            path + "." + key + " must be an integer in [" + std::to_string(static_cast<long long>(lo)) + ", " +
                std::to_string(static_cast<long long>(hi)) + "] (got " + buf + ")");
  }
  return static_cast<std::size_t>(d);
}

bool boolean(const Napi::Object& o, const char* key, const std::string& path) {
  Napi::Value v = field(o, key, path);
  if (!v.IsBoolean()) throwJs(o.Env(), ErrorKind::Type, path + "." + key + " must be a boolean (got " + describe(v) + ")");
  return v.As<Napi::Boolean>().Value();
}

std::optional<double> nullableNumber(const Napi::Object& o, const char* key, const std::string& path) {
  Napi::Value v = field(o, key, path);
  if (v.IsNull()) return std::nullopt;
  return number(o, key, path);
}

/** Parses request.features and the sections they need (type checks; ranges come in ser::validateRequest). */
ser::Request parseRequest(const Napi::Value& value) {
  Napi::Env env = value.Env();
  const std::string root = "request";
  Napi::Object o = requireObject(value, root);
  ser::Request r;
  Napi::Value fv = field(o, "features", root);
  if (!fv.IsArray()) throwJs(env, ErrorKind::Type, "request.features must be an array of feature names (got " + describe(fv) + ")");
  Napi::Array arr = fv.As<Napi::Array>();
  const uint32_t n = arr.Length();
  if (n == 0) throwJs(env, ErrorKind::Range, "request.features is empty; name at least one feature");
  if (n > 64) throwJs(env, ErrorKind::Range, "request.features lists " + std::to_string(n) + " entries; at most 64");
  std::string known;
  for (const ser::FeatureSpec& s : ser::featureTable()) known += (known.empty() ? "" : ", ") + std::string(s.name);
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value e = arr.Get(i);
    const std::string path = "request.features[" + std::to_string(i) + "]";
    if (!e.IsString()) throwJs(env, ErrorKind::Type, path + " must be a string (got " + describe(e) + ")");
    const std::string name = e.As<Napi::String>().Utf8Value();
    const ser::FeatureSpec* spec = ser::findFeature(name);
    if (!spec) throwJs(env, ErrorKind::Range, path + ": unknown feature '" + name.substr(0, 64) + "'; known: " + known);
    if (!spec->create) {
      throwJs(env, ErrorKind::Generic,
              "feature '" + name + "' is not implemented in the native engine yet; use the TypeScript engine for it "
              "(FeatureExtractor with engine 'typescript')");
    }
    if (!r.wants(spec->id)) r.features.push_back(spec->id);
    r.sections |= spec->sections;
  }
  if (r.sections & ser::kSecStft) {
    const std::string p = "request.stft";
    Napi::Object s = requireObject(field(o, "stft", root), p);
    r.stft.nFft = integer(s, "nFft", p, ser::kMinNfft, ser::kMaxNfft);
    r.stft.hopLength = integer(s, "hopLength", p, 1, 4.0 * static_cast<double>(r.stft.nFft));
    r.stft.winLength = integer(s, "winLength", p, 1, static_cast<double>(r.stft.nFft));
    r.stft.center = boolean(s, "center", p);
  }
  if (r.sections & ser::kSecMel) {
    const std::string p = "request.mel";
    Napi::Object s = requireObject(field(o, "mel", root), p);
    r.mel.nMels = integer(s, "nMels", p, 1, ser::kMaxMels);
    r.mel.fmin = number(s, "fmin", p);
    r.mel.fmax = number(s, "fmax", p);
    r.mel.htk = boolean(s, "htk", p);
    Napi::Value norm = field(s, "norm", p);
    if (norm.IsNull()) {
      r.mel.slaneyNorm = false;
    } else if (norm.IsString() && norm.As<Napi::String>().Utf8Value() == "slaney") {
      r.mel.slaneyNorm = true;
    } else {
      throwJs(env, norm.IsString() ? ErrorKind::Range : ErrorKind::Type,
              "request.mel.norm must be 'slaney' or null (got " + describe(norm) + ")");
    }
    r.mel.power = number(s, "power", p);
  }
  if (r.sections & ser::kSecDb) {
    const std::string p = "request.db";
    Napi::Object s = requireObject(field(o, "db", root), p);
    r.db.amin = number(s, "amin", p);
    r.db.topDb = nullableNumber(s, "topDb", p);
  }
  if (r.sections & ser::kSecMfcc) {
    const std::string p = "request.mfcc";
    Napi::Object s = requireObject(field(o, "mfcc", root), p);
    r.mfcc.nMfcc = integer(s, "nMfcc", p, 1, ser::kMaxMels);
  }
  if (r.sections & ser::kSecChromaStft) {
    const std::string p = "request.chromaStft";
    Napi::Object s = requireObject(field(o, "chromaStft", root), p);
    r.chromaStft.nChroma = integer(s, "nChroma", p, 1, ser::kMaxChroma);
    r.chromaStft.tuning = nullableNumber(s, "tuning", p);
  }
  if (r.sections & ser::kSecContrast) {
    const std::string p = "request.contrast";
    Napi::Object s = requireObject(field(o, "contrast", root), p);
    r.contrast.fmin = number(s, "fmin", p);
    r.contrast.nBands = integer(s, "nBands", p, 1, ser::kMaxBands);
    r.contrast.quantile = number(s, "quantile", p);
  }
  if (r.sections & ser::kSecHpss) {
    const std::string p = "request.hpss";
    Napi::Object s = requireObject(field(o, "hpss", root), p);
    r.hpss.kernelSize = integer(s, "kernelSize", p, 1, 1025);
    r.hpss.power = number(s, "power", p);
    r.hpss.margin = number(s, "margin", p);
  }
  if (r.sections & ser::kSecChromaCqt) {
    const std::string p = "request.chromaCqt";
    Napi::Object s = requireObject(field(o, "chromaCqt", root), p);
    r.chromaCqt.hopLength = integer(s, "hopLength", p, 1, 65536);
    r.chromaCqt.fmin = number(s, "fmin", p);
    r.chromaCqt.nOctaves = integer(s, "nOctaves", p, 1, 10);
    r.chromaCqt.binsPerOctave = integer(s, "binsPerOctave", p, 1, 120);
    r.chromaCqt.tuning = nullableNumber(s, "tuning", p);
  }
  return r;
}

Napi::Float32Array samplesArg(const Napi::Value& v, const std::string& path) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throwJs(v.Env(), ErrorKind::Type, path + " must be a Float32Array (got " + describe(v) + ")");
  }
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  if (a.ElementLength() == 0 || a.Data() == nullptr) {
    throwJs(v.Env(), ErrorKind::Range, path + " is empty (or its ArrayBuffer was detached); pass at least one sample");
  }
  return a;
}

// x - x is 0 for every finite x and NaN for NaN and +-Infinity; the OR-reduction vectorises.
SER_HOT bool allFinite(const float* __restrict x, std::size_t n) {
  bool bad = false;
  for (std::size_t i = 0; i < n; ++i) bad |= !(x[i] - x[i] == 0.0f);
  return !bad;
}

void checkFinite(Napi::Env env, const float* x, std::size_t n, const std::string& path) {
  if (allFinite(x, n)) return;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      throwJs(env, ErrorKind::Range,
              path + "[" + std::to_string(i) + "] is " + (std::isnan(x[i]) ? "NaN" : "infinite") +
                  "; every sample must be a finite number");
    }
  }
}

double sampleRateArg(const Napi::Value& v, const std::string& path) {
  if (!v.IsNumber()) throwJs(v.Env(), ErrorKind::Type, path + " must be a number (got " + describe(v) + ")");
  const double sr = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(sr) || sr < ser::kMinSampleRate || sr > ser::kMaxSampleRate) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", sr);
    throwJs(v.Env(), ErrorKind::Range, path + " must be a finite number in [1000, 768000] Hz (got " + buf + ")");
  }
  return sr;
}

const char* featureName(ser::FeatureId id) { return ser::featureSpec(id).name; }

Napi::Object toJs(Napi::Env env, const ser::FeatureOutput& out) {
  Napi::Object result = Napi::Object::New(env);
  for (const auto& [id, m] : out.matrices) {
    Napi::Object mat = Napi::Object::New(env);
    Napi::Float32Array data = Napi::Float32Array::New(env, m.data.size());
    if (!m.data.empty()) std::memcpy(data.Data(), m.data.data(), m.data.size() * sizeof(float));
    mat.Set("data", data);
    mat.Set("rows", Napi::Number::New(env, static_cast<double>(m.rows)));
    mat.Set("cols", Napi::Number::New(env, static_cast<double>(m.cols)));
    result.Set(featureName(id), mat);
  }
  if (out.tuningChromaStft || out.tuningChromaCqt) {
    Napi::Object tuning = Napi::Object::New(env);
    if (out.tuningChromaStft) tuning.Set("chromaStft", Napi::Number::New(env, *out.tuningChromaStft));
    if (out.tuningChromaCqt) tuning.Set("chromaCqt", Napi::Number::New(env, *out.tuningChromaCqt));
    result.Set("tuning", tuning);
  }
  return result;
}

// compute(samples: Float32Array, sampleRate: number, request: FeatureRequest): FeatureResult
Napi::Value Compute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (info.Length() < 3) throwJs(env, ErrorKind::Type, "compute(samples, sampleRate, request) takes 3 arguments");
    Napi::Float32Array samples = samplesArg(info[0], "samples");
    const double sr = sampleRateArg(info[1], "sampleRate");
    ser::Request req = parseRequest(info[2]);
    // Re-read the array after parsing: a getter in the request could have detached its buffer.
    samples = samplesArg(info[0], "samples");
    const std::size_t n = samples.ElementLength();
    checkFinite(env, samples.Data(), n, "samples");
    ser::validateRequest(req, sr, n);
    // No JavaScript runs from here until the kernels return, so they can read the caller's buffer in place.
    ser::FeatureOutput out = ser::computeFeatures(samples.Data(), n, sr, req);
    return toJs(env, out);
  });
}

struct BatchItem {
  std::vector<float> samples;
  double sampleRate = 0;
};

class BatchWorker : public Napi::AsyncWorker {
 public:
  BatchWorker(Napi::Env env, std::vector<BatchItem> items, ser::Request req, std::size_t threads)
      : Napi::AsyncWorker(env, "ser_native.computeBatch"),
        deferred_(Napi::Promise::Deferred::New(env)),
        items_(std::move(items)),
        req_(std::move(req)),
        threads_(threads),
        results_(items_.size()) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::vector<std::string> errors(items_.size());
    std::vector<ErrorKind> kinds(items_.size(), ErrorKind::Generic);
    ser::ThreadPool::instance().parallelFor(items_.size(), threads_, [&](std::size_t i) {
      try {
        results_[i] = ser::computeFeatures(items_[i].samples.data(), items_[i].samples.size(), items_[i].sampleRate, req_);
        std::vector<float>().swap(items_[i].samples);
      } catch (const ser::Error& e) {
        errors[i] = e.what();
        kinds[i] = e.kind();
      } catch (const std::bad_alloc&) {
        errors[i] = "out of memory; split the signal into shorter chunks";
        kinds[i] = ErrorKind::Range;
      } catch (const std::exception& e) {
        errors[i] = std::string("internal error: ") + e.what();
      } catch (...) {
        errors[i] = "internal error";
      }
    });
    for (std::size_t i = 0; i < errors.size(); ++i) {
      if (!errors[i].empty()) {
        failKind_ = kinds[i];
        failMessage_ = "items[" + std::to_string(i) + "]: " + errors[i];
        failed_ = true;
        break;
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (failed_) {
      Napi::Error err = failKind_ == ErrorKind::Type    ? Napi::TypeError::New(env, failMessage_)
                        : failKind_ == ErrorKind::Range ? Napi::RangeError::New(env, failMessage_)
                                                        : Napi::Error::New(env, failMessage_);
      deferred_.Reject(err.Value());
      return;
    }
    try {
      Napi::Array arr = Napi::Array::New(env, results_.size());
      for (std::size_t i = 0; i < results_.size(); ++i) {
        arr.Set(static_cast<uint32_t>(i), toJs(env, results_[i]));
        results_[i] = ser::FeatureOutput();
      }
      deferred_.Resolve(arr);
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override {
    Napi::HandleScope scope(Env());
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<BatchItem> items_;
  ser::Request req_;
  std::size_t threads_;
  std::vector<ser::FeatureOutput> results_;
  bool failed_ = false;
  ErrorKind failKind_ = ErrorKind::Generic;
  std::string failMessage_;
};

// computeBatch(items: {samples, sampleRate}[], request, threads?: number): Promise<FeatureResult[]>
Napi::Value ComputeBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (info.Length() < 2) throwJs(env, ErrorKind::Type, "computeBatch(items, request, threads?) takes 2 or 3 arguments");
    if (!info[0].IsArray()) throwJs(env, ErrorKind::Type, "items must be an array of { samples, sampleRate } (got " + describe(info[0]) + ")");
    ser::Request req = parseRequest(info[1]);
    std::size_t threads = ser::ThreadPool::defaultSize();
    if (info.Length() >= 3 && !info[2].IsUndefined()) {
      if (!info[2].IsNumber()) throwJs(env, ErrorKind::Type, "options.threads must be a number (got " + describe(info[2]) + ")");
      const double t = info[2].As<Napi::Number>().DoubleValue();
      if (!std::isfinite(t) || std::floor(t) != t || t < 1 || t > static_cast<double>(ser::ThreadPool::kMaxThreads)) {
        throwJs(env, ErrorKind::Range, "options.threads must be an integer in [1, 256]");
      }
      threads = static_cast<std::size_t>(t);
    }
    Napi::Array arr = info[0].As<Napi::Array>();
    const uint32_t n = arr.Length();
    std::vector<BatchItem> items(n);
    std::size_t totalSamples = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const std::string path = "items[" + std::to_string(i) + "]";
      Napi::Object it = requireObject(arr.Get(i), path);
      const double sr = sampleRateArg(it.Get("sampleRate"), path + ".sampleRate");
      Napi::Float32Array s = samplesArg(it.Get("samples"), path + ".samples");
      const std::size_t len = s.ElementLength();
      checkFinite(env, s.Data(), len, path + ".samples");
      ser::validateRequest(req, sr, len);
      totalSamples += len;
      if (totalSamples > (std::size_t{1} << 31)) {
        throwJs(env, ErrorKind::Range, "items hold more than 2^31 samples in all; split the batch");
      }
      items[i].samples.assign(s.Data(), s.Data() + len);
      items[i].sampleRate = sr;
    }
    auto* worker = new BatchWorker(env, std::move(items), std::move(req), threads);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

Napi::Value ThreadCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ser::ThreadPool::defaultSize()));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("compute", Napi::Function::New(env, Compute, "compute"));
  exports.Set("computeBatch", Napi::Function::New(env, ComputeBatch, "computeBatch"));
  exports.Set("threadCount", Napi::Function::New(env, ThreadCount, "threadCount"));
  exports.Set("version", Napi::String::New(env, SER_NATIVE_VERSION));
  exports.Set("abi", Napi::Number::New(env, kAbi));
  Napi::Array implemented = Napi::Array::New(env);
  Napi::Array all = Napi::Array::New(env);
  uint32_t a = 0, b = 0;
  for (const ser::FeatureSpec& s : ser::featureTable()) {
    all.Set(a++, Napi::String::New(env, s.name));
    if (s.create) implemented.Set(b++, Napi::String::New(env, s.name));
  }
  exports.Set("features", implemented);
  exports.Set("allFeatures", all);
  ser::nn::registerBinding(env, exports);  // the TensorFlow.js kernels (nn_binding.cpp)
  return exports;
}

}  // namespace

NODE_API_MODULE(ser_native, Init)
