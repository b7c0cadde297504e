// mapi32's entry points, loaded with LoadLibrary/GetProcAddress: Wine's x64 mapi32 exports decorated
// names for the utility functions, so linking the import library crashes there (mapi-notes gotcha 1).
#pragma once
#include <windows.h>
#include <mapix.h>

struct MapiApi {
  HRESULT(WINAPI *Initialize)(LPVOID);
  void(WINAPI *Uninitialize)(void);
  HRESULT(WINAPI *LogonEx)(ULONG_PTR, LPTSTR, LPTSTR, ULONG, LPMAPISESSION *);
  HRESULT(WINAPI *AdminProfiles)(ULONG, LPPROFADMIN *);
  SCODE(WINAPI *AllocateBuffer)(ULONG, LPVOID *);
  SCODE(WINAPI *AllocateMore)(ULONG, LPVOID, LPVOID *);
  ULONG(WINAPI *FreeBuffer)(LPVOID);
};

// Checks the provider's bitness, loads mapi32 and calls MAPIInitialize once per process.
const MapiApi &mapi();
// MAPIUninitialize when mapi() initialized it (at exit, on the thread that initialized).
void mapi_shutdown();
// True in session 0, where services run.
bool helper_is_service();
// Frees a row set row by row (FreeProws is not called: see above).
void free_rows(LPSRowSet rows);
