/* A 32-bit (PE Machine i386) stand-in for a provider of the wrong bitness, e.g. 32-bit Outlook beside our
 * 64-bit helper. The helper must refuse it from its PE header alone, before mapi32 ever loads it, so the
 * DLL needs no MAPI code: only a DllMain. Built with the x86-64 compiler's -m32 code generation and
 * binutils' i386pe linker emulation, so no i686 toolchain is needed (see build.sh). */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) { return TRUE; }
