#!/bin/sh
# Makes a 64-bit Wine prefix in DIR with a MAPI provider registered the way Outlook registers itself:
# HKLM\Software\Clients\Mail (default value) → the client's key → DLLPathEx (mapi-notes.md).
# Usage: native/wine-prefix.sh DIR [PROVIDER_DLL]   (default: native/build/mapi-test-provider.dll)
# Run a command in it afterwards with the same environment (see docs/mapi.md).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DIR [PROVIDER_DLL]" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mkdir -p "$1" && cd "$1" && pwd)
dll=${2:-$here/build/mapi-test-provider.dll}
[ -f "$dll" ] || { echo "$0: $dll not found (run native/build.sh)" >&2; exit 2; }
wine=${WINE:-/usr/lib/wine/wine64}
[ -x "$wine" ] || { echo "$0: $wine not found (apt-get install wine64)" >&2; exit 2; }
wineserver=$(dirname "$wine")/wineserver

export WINEPREFIX="$prefix" WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
# Wine's first process starts wineserver and services that inherit stdout/stderr: keep them off ours.
"$wine" wineboot --init >/dev/null 2>&1 </dev/null
dll_win=$("$wine" winepath -w "$(cd "$(dirname "$dll")" && pwd)/$(basename "$dll")" 2>/dev/null </dev/null | tr -d '\r')
"$wine" reg add 'HKLM\Software\Clients\Mail\Mail Agent Test Provider' /v DLLPathEx /t REG_SZ /d "$dll_win" /f >/dev/null 2>&1 </dev/null
"$wine" reg add 'HKLM\Software\Clients\Mail' /ve /t REG_SZ /d 'Mail Agent Test Provider' /f >/dev/null 2>&1 </dev/null
"$wineserver" -w
echo "$prefix"
