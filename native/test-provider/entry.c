/* The entry points mapi32.dll forwards to the registered provider: initialize, log on, administer profiles. */
#include "provider.h"
#include <mapi.h>
#include <stdio.h>
#include <string.h>

HRESULT WINAPI MAPIInitialize(LPVOID init) {
  if (config_fails("initialize")) return MAPI_E_NOT_INITIALIZED;
  pump_initialize();
  return S_OK;
}

void WINAPI MAPIUninitialize(void) {}

HRESULT WINAPI MAPIAdminProfiles(ULONG flags, LPPROFADMIN *out) { return profadmin_create(out); }

/* A service must never be shown a dialog: UI flags are refused outright, so a test catches them. */
#define UI_FLAGS (MAPI_LOGON_UI | MAPI_PASSWORD_UI | MAPI_FORCE_DOWNLOAD)

HRESULT WINAPI MAPILogonEx(ULONG_PTR ui, LPTSTR profile_name, LPTSTR password, ULONG flags, LPMAPISESSION *out) {
  if (!out) return MAPI_E_INVALID_PARAMETER;
  *out = NULL;
  if (flags & UI_FLAGS) return MAPI_E_INVALID_PARAMETER;
  /* MAPI_TEST_FAIL=unicode: a MAPI that takes only ANSI profile names, as some Outlook versions do. */
  if (flags & MAPI_UNICODE && profile_name && config_fails("unicode")) return MAPI_E_BAD_CHARWIDTH;
  ProfileList profiles;
  config_profiles(&profiles);
  int chosen = -1;
  if (flags & MAPI_USE_DEFAULT || !profile_name) {
    chosen = profiles.default_index;
    if (chosen < 0) return MAPI_E_NOT_FOUND;
  } else {
    char name[128];
    if (flags & MAPI_UNICODE)
      WideCharToMultiByte(CP_ACP, 0, (LPCWSTR)profile_name, -1, name, sizeof name, NULL, NULL);
    else
      snprintf(name, sizeof name, "%s", (const char *)profile_name);
    for (int i = 0; i < profiles.count && chosen < 0; i++)
      if (_stricmp(profiles.names[i], name) == 0) chosen = i;
    if (chosen < 0) return MAPI_E_LOGON_FAILED; /* what Wine and Outlook answer for an unknown profile */
  }
  if (config_fails("logon")) return MAPI_E_LOGON_FAILED;
  /* An expired sign-in cannot be renewed without a dialog, which a service never gets. */
  long fail_after = config_fail_after();
  if (fail_after >= 0 && (long)store_message_count() >= fail_after) return MAPI_E_LOGON_FAILED;
  Context ctx = {0};
  snprintf(ctx.profile, sizeof ctx.profile, "%s", profiles.names[chosen]);
  ctx.logon_flags = flags;
  HRESULT hr = session_create(&ctx, out);
  if (SUCCEEDED(hr)) pump_post_probe();
  return hr;
}
