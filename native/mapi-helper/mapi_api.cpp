#include "mapi_api.h"
#include "errors.h"
#include "provider_probe.h"

namespace {
MapiApi api;
HMODULE module = nullptr;
bool initialized = false;

template <typename T> void resolve(T &slot, const char *name) {
  slot = reinterpret_cast<T>(reinterpret_cast<void *>(GetProcAddress(module, name)));
  if (!slot) throw HelperError("MapiUnavailable", "GetProcAddress", std::string("mapi32.dll lacks ") + name);
}

// A service has no desktop: MAPI must be told (MAPI_NT_SERVICE); services run in session 0.
bool running_as_service() {
  DWORD session = 1;
  return ProcessIdToSessionId(GetCurrentProcessId(), &session) && session == 0;
}
}  // namespace

bool helper_is_service() { return running_as_service(); }

const MapiApi &mapi() {
  if (initialized) return api;
  ensure_provider_loadable();
  if (!module) {
    module = LoadLibraryW(L"mapi32.dll");
    if (!module) throw HelperError("MapiUnavailable", "LoadLibrary", "mapi32.dll could not be loaded: is Outlook (64-bit) installed?");
    resolve(api.Initialize, "MAPIInitialize");
    resolve(api.Uninitialize, "MAPIUninitialize");
    resolve(api.LogonEx, "MAPILogonEx");
    resolve(api.AdminProfiles, "MAPIAdminProfiles");
    resolve(api.AllocateBuffer, "MAPIAllocateBuffer");
    resolve(api.AllocateMore, "MAPIAllocateMore");
    resolve(api.FreeBuffer, "MAPIFreeBuffer");
  }
  MAPIINIT_0 init = {MAPI_INIT_VERSION, MAPI_MULTITHREAD_NOTIFICATIONS | (running_as_service() ? MAPI_NT_SERVICE : 0)};
  HRESULT hr = api.Initialize(&init);
  if (FAILED(hr) && !probe_provider().registered)
    throw HelperError(hresult_name(hr), "MAPIInitialize",
                      "no Extended MAPI provider is registered (HKLM\\Software\\Clients\\Mail names no client with a "
                      "DLLPathEx): is 64-bit Outlook installed for this machine?",
                      hr);
  check(hr, "MAPIInitialize");
  initialized = true;
  return api;
}

void mapi_shutdown() {
  if (initialized) api.Uninitialize();
  initialized = false;
}

void free_rows(LPSRowSet rows) {
  if (!rows) return;
  for (ULONG i = 0; i < rows->cRows; i++) api.FreeBuffer(rows->aRow[i].lpProps);
  api.FreeBuffer(rows);
}
