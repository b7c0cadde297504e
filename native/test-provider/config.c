/* The provider's behaviour comes from the environment, so each test run sets it per helper process. */
#include "provider.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $MAPI_TEST_PROFILES: comma-separated names, `*` after the default one. Unset: "Outlook*". */
void config_profiles(ProfileList *out) {
  char spec[2048];
  DWORD n = GetEnvironmentVariableA(MAPI_TEST_ENV_PROFILES, spec, sizeof spec);
  if (n == 0 || n >= sizeof spec) strcpy(spec, "Outlook*");
  out->count = 0;
  out->default_index = -1;
  char *ctx = NULL;
  for (char *tok = strtok_s(spec, ",", &ctx); tok && out->count < 16; tok = strtok_s(NULL, ",", &ctx)) {
    size_t len = strlen(tok);
    if (len && tok[len - 1] == '*') {
      tok[--len] = 0;
      out->default_index = out->count;
    }
    if (!len) continue;
    snprintf(out->names[out->count++], sizeof out->names[0], "%s", tok);
  }
}

static BOOL env_lists(const char *name, const char *point) {
  char value[256];
  DWORD n = GetEnvironmentVariableA(name, value, sizeof value);
  if (n == 0 || n >= sizeof value) return FALSE;
  char *ctx = NULL;
  for (char *tok = strtok_s(value, ",", &ctx); tok; tok = strtok_s(NULL, ",", &ctx))
    if (strcmp(tok, point) == 0) return TRUE;
  return FALSE;
}

BOOL config_fails(const char *point) { return env_lists(MAPI_TEST_ENV_FAIL, point); }

/* $MAPI_TEST_HANG=recipients|submit|submitted sleeps there (60 s at most, so a forgotten process ends);
 * with $MAPI_TEST_HANG_ONCE=FILE only the first process to create FILE hangs. */
void config_maybe_hang(const char *point) {
  if (!env_lists("MAPI_TEST_HANG", point)) return;
  char marker[1024];
  DWORD n = GetEnvironmentVariableA("MAPI_TEST_HANG_ONCE", marker, sizeof marker);
  if (n > 0 && n < sizeof marker) {
    HANDLE f = CreateFileA(marker, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) return; /* someone hung already */
    CloseHandle(f);
  }
  Sleep(60000);
}
