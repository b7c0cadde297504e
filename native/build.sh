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

"$cxx" -std=c++17 -municode -O2 -static -s -Wall -Wextra -Wno-unused-parameter -Wno-cast-function-type \
  -I"$out/include" -o "$out/mapi-helper.exe" "$here"/mapi-helper/*.cpp -luuid

if [ -d "$here/test-provider" ] && ls "$here"/test-provider/*.c >/dev/null 2>&1; then
  "$cc" -std=c11 -O2 -shared -s -Wall -Wextra -Wno-unused-parameter -Wno-cast-function-type -static-libgcc \
    -o "$out/mapi-test-provider.dll" "$here"/test-provider/*.c "$here/test-provider/provider.def" -luuid
fi
if [ -f "$here/wrong-bitness/provider32.c" ]; then
  "$here/wrong-bitness/build.sh" "$out/mapi-test-provider-x86.dll"
fi
echo "built into $out"
