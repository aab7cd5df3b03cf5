// The `nn` object of the binding: synchronous NN kernels for the TensorFlow.js backend. Every argument is checked
// here (TypeError for wrong types, RangeError for bad values and lengths that do not match the shape); the kernels
// then run on the caller's buffers in place (no JavaScript runs until they return). The output array must not
// overlap an input.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common.hpp"
#include "nn.hpp"
#include "nn_binding.hpp"
#include "thread_pool.hpp"

namespace ser::nn {

namespace {

constexpr double kMaxDim = 16777216.0;           // 2^24 per dimension
constexpr double kMaxElements = 2147483647.0;    // per array
constexpr double kMaxPad = 65536.0;

[[noreturn]] void typeError(Napi::Env env, const std::string& m) { throw Napi::TypeError::New(env, m); }
[[noreturn]] void rangeError(Napi::Env env, const std::string& m) { throw Napi::RangeError::New(env, m); }

std::string fmt(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", d);
  return buf;
}

struct F32 {
  float* data = nullptr;
  std::size_t length = 0;
  const std::uint8_t* begin = nullptr;
  const std::uint8_t* end = nullptr;
};

F32 f32(const Napi::Value& v, const std::string& fn, const char* name, bool allowNull = false) {
  if (allowNull && (v.IsNull() || v.IsUndefined())) return F32{};
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    typeError(v.Env(), fn + ": " + name + " must be a Float32Array");
  }
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  F32 r;
  r.length = a.ElementLength();
  r.data = r.length == 0 ? nullptr : a.Data();
  if (r.length > 0 && r.data == nullptr) rangeError(v.Env(), fn + ": " + name + "'s buffer is detached");
  r.begin = reinterpret_cast<const std::uint8_t*>(r.data);
  r.end = r.begin + r.length * sizeof(float);
  return r;
}

// (Advising fresh outputs for transparent huge pages was tried: with defrag=madvise the compaction stalls made
// first touches 4x slower. The backend recycles big outputs instead, see native-kernels.ts.)
F32 outArg(const Napi::Value& v, const std::string& fn, const char* name) {
  return f32(v, fn, name);
}

void expectLength(Napi::Env env, const F32& a, double want, const std::string& fn, const char* name) {
  if (want > kMaxElements) rangeError(env, fn + ": " + name + " would hold " + fmt(want) + " elements; at most 2^31 - 1");
  if (static_cast<double>(a.length) != want) {
    rangeError(env, fn + ": " + name + " has " + std::to_string(a.length) + " elements, the shape needs " + fmt(want));
  }
}

void noOverlap(Napi::Env env, const F32& out, const F32& in, const std::string& fn, const char* outName,
               const char* inName) {
  if (out.length == 0 || in.length == 0) return;
  if (out.begin < in.end && in.begin < out.end) {
    rangeError(env, fn + ": " + outName + " must not overlap " + inName + " (pass a fresh Float32Array)");
  }
}

double intArg(const Napi::Value& v, const std::string& fn, const std::string& name, double lo, double hi) {
  if (!v.IsNumber()) typeError(v.Env(), fn + ": " + name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < lo || d > hi) {
    rangeError(v.Env(), fn + ": " + name + " must be an integer in [" + fmt(lo) + ", " + fmt(hi) + "] (got " + fmt(d) + ")");
  }
  return d;
}

std::size_t field(const Napi::Object& o, const char* key, const std::string& fn, double lo, double hi) {
  return static_cast<std::size_t>(intArg(o.Get(key), fn, std::string("shape.") + key, lo, hi));
}

bool boolArg(const Napi::Value& v, const std::string& fn, const char* name) {
  if (!v.IsBoolean()) typeError(v.Env(), fn + ": " + name + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::string strArg(const Napi::Value& v, const std::string& fn, const char* name) {
  if (!v.IsString()) typeError(v.Env(), fn + ": " + name + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Object objArg(const Napi::Value& v, const std::string& fn, const char* name) {
  if (!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction()) typeError(v.Env(), fn + ": " + name + " must be an object");
  return v.As<Napi::Object>();
}

void argc(const Napi::CallbackInfo& info, std::size_t n, const std::string& sig) {
  if (info.Length() < n) typeError(info.Env(), sig + " takes " + std::to_string(n) + " arguments");
}

/** Threads for the kernels: SER_NN_THREADS when set (1..256), else the machine's hardware concurrency. */
std::size_t threads() {
  if (const char* env = std::getenv("SER_NN_THREADS")) {
    const long n = std::strtol(env, nullptr, 10);
    if (n >= 1 && n <= static_cast<long>(ThreadPool::kMaxThreads)) return static_cast<std::size_t>(n);
  }
  return ThreadPool::defaultSize();
}

double D(std::size_t v) { return static_cast<double>(v); }

ConvShape convShape(const Napi::Value& v, const std::string& fn) {
  Napi::Object o = objArg(v, fn, "shape");
  ConvShape s{};
  s.batch = field(o, "batchSize", fn, 1, kMaxDim);
  s.inHeight = field(o, "inHeight", fn, 1, kMaxDim);
  s.inWidth = field(o, "inWidth", fn, 1, kMaxDim);
  s.inChannels = field(o, "inChannels", fn, 1, kMaxDim);
  s.outHeight = field(o, "outHeight", fn, 1, kMaxDim);
  s.outWidth = field(o, "outWidth", fn, 1, kMaxDim);
  s.outChannels = field(o, "outChannels", fn, 1, kMaxDim);
  s.filterHeight = field(o, "filterHeight", fn, 1, 4096);
  s.filterWidth = field(o, "filterWidth", fn, 1, 4096);
  s.strideHeight = field(o, "strideHeight", fn, 1, 4096);
  s.strideWidth = field(o, "strideWidth", fn, 1, 4096);
  s.dilationHeight = field(o, "dilationHeight", fn, 1, 4096);
  s.dilationWidth = field(o, "dilationWidth", fn, 1, 4096);
  s.padTop = field(o, "padTop", fn, 0, kMaxPad);
  s.padLeft = field(o, "padLeft", fn, 0, kMaxPad);
  const double k = D(s.filterHeight) * D(s.filterWidth) * D(s.inChannels);
  if (k > kMaxElements || k * D(s.outChannels) > kMaxElements) rangeError(v.Env(), fn + ": the filter is too large");
  return s;
}

double xLen(const ConvShape& s) { return D(s.batch) * D(s.inHeight) * D(s.inWidth) * D(s.inChannels); }
double yLen(const ConvShape& s) { return D(s.batch) * D(s.outHeight) * D(s.outWidth) * D(s.outChannels); }
double wLen(const ConvShape& s) { return D(s.filterHeight) * D(s.filterWidth) * D(s.inChannels) * D(s.outChannels); }

// conv2d(x, filter, bias | null, out, shape, activation: 'linear' | 'relu')
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.conv2d";
  argc(info, 6, fn + "(x, filter, bias, out, shape, activation)");
  const ConvShape s = convShape(info[4], fn);
  const std::string act = strArg(info[5], fn, "activation");
  if (act != "linear" && act != "relu") rangeError(env, fn + ": activation must be 'linear' or 'relu' (got '" + act.substr(0, 32) + "')");
  const F32 x = f32(info[0], fn, "x"), w = f32(info[1], fn, "filter"), b = f32(info[2], fn, "bias", true),
            y = outArg(info[3], fn, "out");
  expectLength(env, x, xLen(s), fn, "x");
  expectLength(env, w, wLen(s), fn, "filter");
  if (b.data != nullptr || b.length != 0 || !(info[2].IsNull() || info[2].IsUndefined())) expectLength(env, b, D(s.outChannels), fn, "bias");
  expectLength(env, y, yLen(s), fn, "out");
  noOverlap(env, y, x, fn, "out", "x");
  noOverlap(env, y, w, fn, "out", "filter");
  noOverlap(env, y, b, fn, "out", "bias");
  conv2d(s, x.data, w.data, b.data, act == "relu" ? Activation::Relu : Activation::Linear, y.data, threads());
  return env.Undefined();
}

// conv2dBackpropInput(dy, filter, dx, shape)
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.conv2dBackpropInput";
  argc(info, 4, fn + "(dy, filter, dx, shape)");
  const ConvShape s = convShape(info[3], fn);
  const F32 dy = f32(info[0], fn, "dy"), w = f32(info[1], fn, "filter"), dx = outArg(info[2], fn, "dx");
  expectLength(env, dy, yLen(s), fn, "dy");
  expectLength(env, w, wLen(s), fn, "filter");
  expectLength(env, dx, xLen(s), fn, "dx");
  noOverlap(env, dx, dy, fn, "dx", "dy");
  noOverlap(env, dx, w, fn, "dx", "filter");
  conv2dBackpropInput(s, dy.data, w.data, dx.data, threads());
  return env.Undefined();
}

// conv2dBackpropFilter(x, dy, dw, shape)
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.conv2dBackpropFilter";
  argc(info, 4, fn + "(x, dy, dw, shape)");
  const ConvShape s = convShape(info[3], fn);
  const F32 x = f32(info[0], fn, "x"), dy = f32(info[1], fn, "dy"), dw = f32(info[2], fn, "dw");
  expectLength(env, x, xLen(s), fn, "x");
  expectLength(env, dy, yLen(s), fn, "dy");
  expectLength(env, dw, wLen(s), fn, "dw");
  noOverlap(env, dw, x, fn, "dw", "x");
  noOverlap(env, dw, dy, fn, "dw", "dy");
  conv2dBackpropFilter(s, x.data, dy.data, dw.data, threads());
  return env.Undefined();
}

// matmul(a, b, out, batch, aBatch, bBatch, m, n, k, transA, transB): out[batch][m][n]
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.matmul";
  argc(info, 11, fn + "(a, b, out, batch, aBatch, bBatch, m, n, k, transposeA, transposeB)");
  const double batch = intArg(info[3], fn, "batch", 1, kMaxDim);
  const double aBatch = intArg(info[4], fn, "aBatch", 1, kMaxDim);
  const double bBatch = intArg(info[5], fn, "bBatch", 1, kMaxDim);
  const double m = intArg(info[6], fn, "m", 1, kMaxDim);
  const double n = intArg(info[7], fn, "n", 1, kMaxDim);
  const double k = intArg(info[8], fn, "k", 1, kMaxDim);
  const bool ta = boolArg(info[9], fn, "transposeA");
  const bool tb = boolArg(info[10], fn, "transposeB");
  if ((aBatch != 1 && aBatch != batch) || (bBatch != 1 && bBatch != batch)) {
    rangeError(env, fn + ": aBatch and bBatch must each be 1 or batch (" + fmt(batch) + ")");
  }
  const F32 a = f32(info[0], fn, "a"), b = f32(info[1], fn, "b"), c = outArg(info[2], fn, "out");
  expectLength(env, a, aBatch * m * k, fn, "a");
  expectLength(env, b, bBatch * k * n, fn, "b");
  expectLength(env, c, batch * m * n, fn, "out");
  noOverlap(env, c, a, fn, "out", "a");
  noOverlap(env, c, b, fn, "out", "b");
  batchGemm(static_cast<std::size_t>(batch), static_cast<std::size_t>(aBatch), static_cast<std::size_t>(bBatch),
            static_cast<std::size_t>(m), static_cast<std::size_t>(n), static_cast<std::size_t>(k), a.data, ta, b.data,
            tb, c.data, threads());
  return env.Undefined();
}

PoolShape poolShape(const Napi::Value& v, const std::string& fn) {
  Napi::Object o = objArg(v, fn, "shape");
  PoolShape s{};
  s.batch = field(o, "batchSize", fn, 1, kMaxDim);
  s.inHeight = field(o, "inHeight", fn, 1, kMaxDim);
  s.inWidth = field(o, "inWidth", fn, 1, kMaxDim);
  s.channels = field(o, "inChannels", fn, 1, kMaxDim);
  s.outHeight = field(o, "outHeight", fn, 1, kMaxDim);
  s.outWidth = field(o, "outWidth", fn, 1, kMaxDim);
  s.filterHeight = field(o, "filterHeight", fn, 1, 4096);
  s.filterWidth = field(o, "filterWidth", fn, 1, 4096);
  s.strideHeight = field(o, "strideHeight", fn, 1, 4096);
  s.strideWidth = field(o, "strideWidth", fn, 1, 4096);
  s.padTop = field(o, "padTop", fn, 0, kMaxPad);
  s.padLeft = field(o, "padLeft", fn, 0, kMaxPad);
  return s;
}

double pxLen(const PoolShape& s) { return D(s.batch) * D(s.inHeight) * D(s.inWidth) * D(s.channels); }
double pyLen(const PoolShape& s) { return D(s.batch) * D(s.outHeight) * D(s.outWidth) * D(s.channels); }

// maxPool(x, out, shape)
Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.maxPool";
  argc(info, 3, fn + "(x, out, shape)");
  const PoolShape s = poolShape(info[2], fn);
  const F32 x = f32(info[0], fn, "x"), y = outArg(info[1], fn, "out");
  expectLength(env, x, pxLen(s), fn, "x");
  expectLength(env, y, pyLen(s), fn, "out");
  noOverlap(env, y, x, fn, "out", "x");
  maxPool(s, x.data, y.data, threads());
  return env.Undefined();
}

// maxPoolGrad(x, dy, dx, shape)
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.maxPoolGrad";
  argc(info, 4, fn + "(x, dy, dx, shape)");
  const PoolShape s = poolShape(info[3], fn);
  const F32 x = f32(info[0], fn, "x"), dy = f32(info[1], fn, "dy"), dx = outArg(info[2], fn, "dx");
  expectLength(env, x, pxLen(s), fn, "x");
  expectLength(env, dy, pyLen(s), fn, "dy");
  expectLength(env, dx, pxLen(s), fn, "dx");
  noOverlap(env, dx, x, fn, "dx", "x");
  noOverlap(env, dx, dy, fn, "dx", "dy");
  maxPoolGrad(s, x.data, dy.data, dx.data, threads());
  return env.Undefined();
}

// binary(op, a, b, out, outer, mid, inner, swap): a [outer, mid, inner], b [outer, 1, inner]
Napi::Value BinaryOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.binary";
  argc(info, 8, fn + "(op, a, b, out, outer, mid, inner, swap)");
  const std::string op = strArg(info[0], fn, "op");
  Binary kind;
  if (op == "add") {
    kind = Binary::Add;
  } else if (op == "sub") {
    kind = Binary::Sub;
  } else if (op == "mul") {
    kind = Binary::Mul;
  } else if (op == "div") {
    kind = Binary::Div;
  } else {
    rangeError(env, fn + ": op must be 'add', 'sub', 'mul' or 'div' (got '" + op.substr(0, 32) + "')");
  }
  const double outer = intArg(info[4], fn, "outer", 1, kMaxElements);
  const double mid = intArg(info[5], fn, "mid", 1, kMaxElements);
  const double inner = intArg(info[6], fn, "inner", 1, kMaxElements);
  const bool swap = boolArg(info[7], fn, "swap");
  const F32 a = f32(info[1], fn, "a"), b = f32(info[2], fn, "b"), out = outArg(info[3], fn, "out");
  expectLength(env, a, outer * mid * inner, fn, "a");
  expectLength(env, b, outer * inner, fn, "b");
  expectLength(env, out, outer * mid * inner, fn, "out");
  // out may be a itself (in place), but not b: b is read again for every middle index.
  noOverlap(env, out, b, fn, "out", "b");
  if (out.data != a.data) noOverlap(env, out, a, fn, "out", "a");
  binary(kind, a.data, b.data, static_cast<std::size_t>(outer), static_cast<std::size_t>(mid),
         static_cast<std::size_t>(inner), swap, out.data, threads());
  return env.Undefined();
}

// unary(op, x, out)
Napi::Value UnaryOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.unary";
  argc(info, 3, fn + "(op, x, out)");
  const std::string op = strArg(info[0], fn, "op");
  if (op != "relu" && op != "step" && op != "sqrt") {
    rangeError(env, fn + ": op must be 'relu', 'step' or 'sqrt' (got '" + op.substr(0, 32) + "')");
  }
  const F32 x = f32(info[1], fn, "x"), out = outArg(info[2], fn, "out");
  expectLength(env, out, D(x.length), fn, "out");
  unary(op == "relu" ? Unary::Relu : op == "step" ? Unary::Step : Unary::Sqrt, x.data, x.length, out.data, threads());
  return env.Undefined();
}

// reluGrad(dy, y, out[, channelSums]): channelSums (C floats, C dividing the length) also gets out's column sums
Napi::Value ReluGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.reluGrad";
  argc(info, 3, fn + "(dy, y, out)");
  const F32 dy = f32(info[0], fn, "dy"), y = f32(info[1], fn, "y"), out = outArg(info[2], fn, "out");
  expectLength(env, y, D(dy.length), fn, "y");
  expectLength(env, out, D(dy.length), fn, "out");
  F32 sums{};
  const bool withSums = info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsNull();
  if (withSums) {
    sums = outArg(info[3], fn, "channelSums");
    if (sums.length == 0 || dy.length % sums.length != 0) {
      rangeError(env, fn + ": channelSums must have a length that divides dy's (one float per channel)");
    }
    noOverlap(env, sums, out, fn, "channelSums", "out");
  }
  noOverlap(env, out, dy, fn, "out", "dy");
  noOverlap(env, out, y, fn, "out", "y");
  reluGrad(dy.data, y.data, dy.length, out.data, withSums ? sums.length : 0, withSums ? sums.data : nullptr, threads());
  return env.Undefined();
}

// reduceSum(x, outer, reduce, inner, mean, out)
Napi::Value ReduceSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string fn = "nn.reduceSum";
  argc(info, 6, fn + "(x, outer, reduce, inner, mean, out)");
  const double outer = intArg(info[1], fn, "outer", 1, kMaxElements);
  const double reduce = intArg(info[2], fn, "reduce", 1, kMaxElements);
  const double inner = intArg(info[3], fn, "inner", 1, kMaxElements);
  const bool mean = boolArg(info[4], fn, "mean");
  const F32 x = f32(info[0], fn, "x"), out = outArg(info[5], fn, "out");
  expectLength(env, x, outer * reduce * inner, fn, "x");
  expectLength(env, out, outer * inner, fn, "out");
  noOverlap(env, out, x, fn, "out", "x");
  reduceSum(x.data, static_cast<std::size_t>(outer), static_cast<std::size_t>(reduce), static_cast<std::size_t>(inner),
            mean, out.data, threads());
  return env.Undefined();
}

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const ser::Error& e) {
    if (e.kind() == ErrorKind::Type) throw Napi::TypeError::New(info.Env(), e.what());
    if (e.kind() == ErrorKind::Range) throw Napi::RangeError::New(info.Env(), e.what());
    throw Napi::Error::New(info.Env(), e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), "@ser/native nn: out of memory for this shape");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("@ser/native nn: internal error: ") + e.what());
  }
}

}  // namespace

void registerBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object nn = Napi::Object::New(env);
  nn.Set("conv2d", Napi::Function::New(env, guarded<Conv2d>, "conv2d"));
  nn.Set("conv2dBackpropInput", Napi::Function::New(env, guarded<Conv2dBackpropInput>, "conv2dBackpropInput"));
  nn.Set("conv2dBackpropFilter", Napi::Function::New(env, guarded<Conv2dBackpropFilter>, "conv2dBackpropFilter"));
  nn.Set("matmul", Napi::Function::New(env, guarded<MatMul>, "matmul"));
  nn.Set("maxPool", Napi::Function::New(env, guarded<MaxPool>, "maxPool"));
  nn.Set("maxPoolGrad", Napi::Function::New(env, guarded<MaxPoolGrad>, "maxPoolGrad"));
  nn.Set("binary", Napi::Function::New(env, guarded<BinaryOp>, "binary"));
  nn.Set("unary", Napi::Function::New(env, guarded<UnaryOp>, "unary"));
  nn.Set("reluGrad", Napi::Function::New(env, guarded<ReluGrad>, "reluGrad"));
  nn.Set("reduceSum", Napi::Function::New(env, guarded<ReduceSum>, "reduceSum"));
  nn.Set("threads", Napi::Number::New(env, static_cast<double>(threads())));
  exports.Set("nn", nn);
}

}  // namespace ser::nn
