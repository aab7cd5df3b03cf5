#!/usr/bin/env bash
# Sets up a clean clone: system tools from apt (when we may install them), npm dependencies, the build, and a
# first sample clip synthesised with espeak-ng (no corpus recording ever enters the repository).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(sox libsox-fmt-all opus-tools espeak-ng cmake tmux chromium)

missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]} from apt"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} (e.g. sudo apt-get install ${missing[*]}); continuing without them" >&2
  fi
fi

export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-}"
echo "setup: npm install"
npm install --no-fund --no-audit --loglevel=error
echo "setup: build"
npx nx run-many -t build --outputStyle=static

mkdir -p samples
if [ ! -s samples/hello.wav ]; then
  if command -v espeak-ng >/dev/null; then
    espeak-ng -v en-us -s 150 -w samples/hello.wav "Hello! I am so happy that you are trying speech emotion recognition today."
    echo "setup: wrote samples/hello.wav (espeak-ng)"
  else
    echo "setup: espeak-ng is missing, so no sample clip; run ser on a WAV of your own" >&2
  fi
fi
echo "setup: done"
