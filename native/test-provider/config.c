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

static DWORD env_text(const char *name, char *out, DWORD size) {
  DWORD n = GetEnvironmentVariableA(name, out, size);
  if (n == 0 || n >= size) {
    out[0] = 0;
    return 0;
  }
  return n;
}

/* $MAPI_TEST_STORE: online (default: a profile without Cached Exchange Mode), cached (Cached Exchange Mode:
 * MDB_ONLINE opens the server's store, without it the local copy), cached-only (MDB_ONLINE refused). */
StoreMode config_store_mode(void) {
  char v[32];
  env_text(MAPI_TEST_ENV_STORE, v, sizeof v);
  if (strcmp(v, "cached") == 0) return STORE_CACHED;
  if (strcmp(v, "cached-only") == 0) return STORE_CACHED_ONLY;
  return STORE_ONLINE;
}

/* $MAPI_TEST_SYNC: milliseconds between the sync ticks of a cached store (default 200), or "never". */
UINT config_sync_ms(void) {
  char v[32];
  if (!env_text(MAPI_TEST_ENV_SYNC, v, sizeof v)) return 200;
  if (strcmp(v, "never") == 0) return 0;
  long ms = strtol(v, NULL, 10);
  return ms > 0 ? (UINT)ms : 200;
}

/* $MAPI_TEST_FAIL_AFTER=N: once the mailbox holds N sent messages the profile's sign-in has expired
 * (as modern-auth tokens do for a service): open sessions end, new logons fail. -1: never. */
long config_fail_after(void) {
  char v[32];
  if (!env_text(MAPI_TEST_ENV_FAIL_AFTER, v, sizeof v)) return -1;
  return strtol(v, NULL, 10);
}

/* "Display Name <smtp@address>" → entry (the name may be empty: then the address). */
static BOOL parse_entry(const char *text, GalEntry *out) {
  const char *lt = strchr(text, '<'), *gt = lt ? strchr(lt, '>') : NULL;
  char name[128] = "", smtp[128] = "";
  if (lt && gt) {
    size_t n = (size_t)(lt - text);
    while (n && text[n - 1] == ' ') n--;
    snprintf(name, sizeof name, "%.*s", (int)n, text);
    snprintf(smtp, sizeof smtp, "%.*s", (int)(gt - lt - 1), lt + 1);
  } else {
    snprintf(smtp, sizeof smtp, "%s", text);
  }
  while (*name == ' ') memmove(name, name + 1, strlen(name));
  if (!*smtp) return FALSE;
  MultiByteToWideChar(CP_UTF8, 0, *name ? name : smtp, -1, out->name, 128);
  MultiByteToWideChar(CP_UTF8, 0, smtp, -1, out->smtp, 128);
  return TRUE;
}

/* $MAPI_TEST_OWNER: the profile's own mailbox (default "Notification Service <svc-notify@contoso.test>"). */
void config_owner(GalEntry *out) {
  char v[300];
  if (!env_text(MAPI_TEST_ENV_OWNER, v, sizeof v) || !parse_entry(v, out))
    parse_entry("Notification Service <svc-notify@contoso.test>", out);
}

/* $MAPI_TEST_GAL: the address book's entries, "Name <smtp>" separated by commas; the owner is always one. */
int config_gal(GalEntry *out, int max) {
  char v[4096];
  int n = 0;
  config_owner(&out[n++]);
  if (!env_text(MAPI_TEST_ENV_GAL, v, sizeof v)) return n;
  char *ctx = NULL;
  for (char *tok = strtok_s(v, ",", &ctx); tok && n < max; tok = strtok_s(NULL, ",", &ctx))
    if (parse_entry(tok, &out[n])) n++;
  return n;
}

/* $MAPI_TEST_ONEOFF=resolve: ResolveName gives SMTP-shaped names absent from the address book a one-off entry
 * id, as MAPI's documentation describes; by default they stay unresolved (MAPI_E_NOT_FOUND), as with an
 * address book whose search path cannot resolve them, and the caller must create the one-off itself. */
BOOL config_oneoff_in_resolve(void) {
  char v[32];
  env_text(MAPI_TEST_ENV_ONEOFF, v, sizeof v);
  return strcmp(v, "resolve") == 0;
}
