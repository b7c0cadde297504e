#!/bin/sh
# Builds provider32.c as a real 32-bit DLL. Uses i686-w64-mingw32-gcc when installed; otherwise the x86-64
# mingw gcc with -m32 (code generation only) and the host `ld -m i386pe` (both in the packages the x86-64 build needs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
if command -v i686-w64-mingw32-gcc >/dev/null; then
  i686-w64-mingw32-gcc -O2 -shared -s -o "$out" "$here/provider32.c"
else
  obj=$(mktemp --suffix=.o)
  trap 'rm -f "$obj"' EXIT
  x86_64-w64-mingw32-gcc -m32 -O2 -c -o "$obj" "$here/provider32.c"
  # the host binutils (Debian binutils) carries the i386pe emulation with its linker scripts
  ld -m i386pe --dll -s -e _DllMain@12 -o "$out" "$obj"
fi
