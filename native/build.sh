#!/bin/sh
# Cross-compiles the MAPI helper (64-bit) and the test-only MAPI provider with mingw-w64 into native/build/.
# Needs: g++-mingw-w64-x86-64-win32, nlohmann-json3-dev (Debian). Usage: native/build.sh [OUT_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build}
cxx=${MINGW_CXX:-x86_64-w64-mingw32-g++}
cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
json_include=${NLOHMANN_INCLUDE:-/usr/include/nlohmann}

command -v "$cxx" >/dev/null || { echo "build.sh: $cxx not found (apt-get install g++-mingw-w64-x86-64-win32)" >&2; exit 2; }
[ -f "$json_include/json.hpp" ] || { echo "build.sh: nlohmann/json.hpp not found (apt-get install nlohmann-json3-dev)" >&2; exit 2; }
mkdir -p "$out/include"
# Only nlohmann's folder is put on the cross compiler's path, never the host's /usr/include.
ln -sfn "$json_include" "$out/include/nlohmann"

# stale TARGET SOURCE...: true when TARGET is missing or older than a source.
stale() {
  target=$1
  shift
  [ -f "$target" ] || return 0
  for f in "$@"; do [ "$f" -nt "$target" ] && return 0; done
  return 1
}

# Incremental: a source is recompiled when it, or any header, is newer than its object (nlohmann/json
# makes a full build slow: ~30 s of CPU). Two compilers at a time; any failure fails the build.
mkdir -p "$out/obj"
objs=""
pids=""
for src in "$here"/mapi-helper/*.cpp; do
  obj="$out/obj/$(basename "$src" .cpp).o"
  objs="$objs $obj"
  if stale "$obj" "$src" "$here"/mapi-helper/*.h "$here"/common/*.h; then
    "$cxx" -std=c++17 -municode -O2 -Wall -Wextra -Wno-unused-parameter -Wno-cast-function-type \
      -I"$out/include" -c -o "$obj" "$src" &
    pids="$pids $!"
    if [ "$(echo $pids | wc -w)" -ge 2 ]; then
      for p in $pids; do wait "$p"; done
      pids=""
    fi
  fi
done
for p in $pids; do wait "$p"; done
# shellcheck disable=SC2086
if stale "$out/mapi-helper.exe" $objs; then
  "$cxx" -municode -static -s -o "$out/mapi-helper.exe" $objs -luuid
fi

if stale "$out/mapi-test-provider.dll" "$here"/test-provider/* "$here"/common/*; then
  "$cc" -std=c11 -O2 -shared -s -Wall -Wextra -Wno-unused-parameter -Wno-cast-function-type -static-libgcc \
    -o "$out/mapi-test-provider.dll" "$here"/test-provider/*.c "$here/test-provider/provider.def" -luuid
fi
if stale "$out/mapi-test-provider-x86.dll" "$here"/wrong-bitness/*; then
  "$here/wrong-bitness/build.sh" "$out/mapi-test-provider-x86.dll"
fi
echo "built into $out"
