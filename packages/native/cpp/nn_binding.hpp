// Registers the `nn` object (the NN kernels of nn.hpp) on the addon's exports; called from addon.cpp's Init.
#pragma once

#include <napi.h>

namespace ser::nn {
void registerBinding(Napi::Env env, Napi::Object exports);
}
