/* IAddrBook: ResolveName against a small GAL ($MAPI_TEST_GAL, the owner always in it) and CreateOneOff.
 * Resolution assigns PR_ENTRYID, as Exchange's address book does; only recipients that carry an entry id
 * are delivered (message.c): the rest come back as a non-delivery report. */
#include "provider.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct {
  ObjHeader h;
} AddrBook;

static const BYTE kOneOffUid[16] = MAPI_ONE_OFF_UID;
#define GAL_PREFIX "GAL:"

static void set_text(PropList *p, ULONG tag, const WCHAR *s) {
  SPropValue v;
  prop_text_w(&v, tag, s);
  props_set(p, &v);
}

static void set_bytes(PropList *p, ULONG tag, const void *data, ULONG size) {
  SPropValue v;
  v.ulPropTag = tag;
  v.Value.bin.cb = size;
  v.Value.bin.lpb = (LPBYTE)data;
  props_set(p, &v);
}

/* A search key is "ADDRTYPE:ADDRESS" in upper case with its terminating NUL (MAPI's documented form). */
static void set_search_key(PropList *p, const WCHAR *type, const WCHAR *address) {
  char key[400];
  int n = WideCharToMultiByte(CP_ACP, 0, type, -1, key, 100, NULL, NULL);
  key[n - 1] = ':';
  WideCharToMultiByte(CP_ACP, 0, address, -1, key + n, (int)sizeof key - n, NULL, NULL);
  for (char *c = key; *c; c++) *c = (char)toupper((unsigned char)*c);
  set_bytes(p, PR_SEARCH_KEY, key, (ULONG)strlen(key) + 1);
}

void gal_entry_props(const GalEntry *e, PropList *out) {
  char eid[200] = GAL_PREFIX;
  WideCharToMultiByte(CP_UTF8, 0, e->smtp, -1, eid + strlen(GAL_PREFIX), (int)(sizeof eid - strlen(GAL_PREFIX)), NULL, NULL);
  WCHAR ex[300];
  const WCHAR *at = wcschr(e->smtp, L'@');
  swprintf(ex, 300, L"/o=Contoso/ou=Exchange Administrative Group/cn=Recipients/cn=%.*ls", (int)(at ? at - e->smtp : (int)wcslen(e->smtp)), e->smtp);
  set_bytes(out, PR_ENTRYID, eid, (ULONG)strlen(eid));
  set_text(out, PR_DISPLAY_NAME_W, e->name);
  set_text(out, PR_ADDRTYPE_W, L"EX");
  set_text(out, PR_EMAIL_ADDRESS_W, ex);
  set_text(out, PR_SMTP_ADDRESS_W, e->smtp);
  set_search_key(out, L"EX", ex);
}

/* abFlags[4], MAPI_ONE_OFF_UID, version 0, flags, then display name, address type and address (NUL-terminated). */
static HRESULT make_one_off(const WCHAR *name, const WCHAR *type, const WCHAR *address, ULONG flags, ULONG *cb, LPENTRYID *out) {
  size_t chars = wcslen(name) + wcslen(type) + wcslen(address) + 3;
  ULONG size = (ULONG)(4 + 16 + 4 + chars * sizeof(WCHAR));
  BYTE *p;
  if (MAPIAllocateBuffer(size, (LPVOID *)&p)) return MAPI_E_NOT_ENOUGH_MEMORY;
  memset(p, 0, 4);
  memcpy(p + 4, kOneOffUid, 16);
  WORD version = 0, oneoff_flags = MAPI_ONE_OFF_UNICODE | ((flags & MAPI_SEND_NO_RICH_INFO) ? MAPI_ONE_OFF_NO_RICH_INFO : 0);
  memcpy(p + 20, &version, 2);
  memcpy(p + 22, &oneoff_flags, 2);
  WCHAR *s = (WCHAR *)(p + 24);
  const WCHAR *parts[3] = {name, type, address};
  for (int i = 0; i < 3; i++) {
    size_t n = wcslen(parts[i]) + 1;
    memcpy(s, parts[i], n * sizeof(WCHAR));
    s += n;
  }
  *cb = size;
  *out = (LPENTRYID)p;
  return S_OK;
}

BOOL entryid_addressee(const SBinary *eid, GalEntry *out, BOOL *oneoff) {
  *oneoff = FALSE;
  if (eid->cb > strlen(GAL_PREFIX) && memcmp(eid->lpb, GAL_PREFIX, strlen(GAL_PREFIX)) == 0) {
    char smtp[200];
    snprintf(smtp, sizeof smtp, "%.*s", (int)(eid->cb - strlen(GAL_PREFIX)), (const char *)eid->lpb + strlen(GAL_PREFIX));
    WCHAR wide[200];
    MultiByteToWideChar(CP_UTF8, 0, smtp, -1, wide, 200);
    GalEntry gal[32];
    int n = config_gal(gal, 32);
    for (int i = 0; i < n; i++)
      if (_wcsicmp(gal[i].smtp, wide) == 0) {
        *out = gal[i];
        return TRUE;
      }
    return FALSE; /* not (or no longer) in the directory */
  }
  if (eid->cb < 24 + 6 || memcmp(eid->lpb + 4, kOneOffUid, 16) != 0) return FALSE;
  WORD flags;
  memcpy(&flags, eid->lpb + 22, 2);
  if (!(flags & MAPI_ONE_OFF_UNICODE)) return FALSE; /* only Unicode one-offs are made here */
  const WCHAR *s = (const WCHAR *)(eid->lpb + 24), *end = (const WCHAR *)(eid->lpb + eid->cb);
  const WCHAR *parts[3];
  for (int i = 0; i < 3; i++) {
    parts[i] = s;
    while (s < end && *s) s++;
    if (s >= end) return FALSE;
    s++;
  }
  if (_wcsicmp(parts[1], L"SMTP") != 0) return FALSE;
  snwprintf(out->name, 128, L"%ls", parts[0]);
  snwprintf(out->smtp, 128, L"%ls", parts[2]);
  *oneoff = TRUE;
  return TRUE;
}

static void one_off_props(const WCHAR *address, PropList *out) {
  ULONG cb;
  LPENTRYID eid;
  if (make_one_off(address, L"SMTP", address, MAPI_SEND_NO_RICH_INFO, &cb, &eid)) return;
  set_bytes(out, PR_ENTRYID, eid, cb);
  MAPIFreeBuffer(eid);
  set_text(out, PR_DISPLAY_NAME_W, address);
  set_text(out, PR_ADDRTYPE_W, L"SMTP");
  set_text(out, PR_EMAIL_ADDRESS_W, address);
  set_search_key(out, L"SMTP", address);
}

static BOOL smtp_shaped(const WCHAR *s) {
  const WCHAR *at = wcschr(s, L'@');
  return at && at > s && wcschr(at, L'.') && !wcschr(s, L' ');
}

/* Replaces an ADRENTRY's values (the caller's MAPI buffer) with `props` plus its PR_RECIPIENT_TYPE. */
static HRESULT replace_entry(ADRENTRY *e, const PropList *props) {
  const SPropValue *type = NULL;
  for (ULONG i = 0; i < e->cValues; i++)
    if (e->rgPropVals[i].ulPropTag == PR_RECIPIENT_TYPE) type = &e->rgPropVals[i];
  ULONG count = props->count + (type ? 1 : 0);
  LPSPropValue vals;
  if (MAPIAllocateBuffer(count * sizeof(SPropValue), (LPVOID *)&vals)) return MAPI_E_NOT_ENOUGH_MEMORY;
  for (ULONG i = 0; i < props->count; i++) props_copy_out(props, props->vals[i].ulPropTag, &vals[i], vals);
  if (type) vals[props->count] = *type;
  MAPIFreeBuffer(e->rgPropVals);
  e->rgPropVals = vals;
  e->cValues = count;
  return S_OK;
}

/* The entries matching a name: its SMTP address exactly, or a display name starting with it (ANR). */
static int gal_matches(const WCHAR *name, GalEntry *found) {
  GalEntry gal[32];
  int n = config_gal(gal, 32), hits = 0;
  size_t len = wcslen(name);
  for (int i = 0; i < n; i++)
    if (_wcsicmp(gal[i].smtp, name) == 0 || (len && _wcsnicmp(gal[i].name, name, len) == 0)) {
      if (!hits) *found = gal[i];
      hits++;
    }
  return hits;
}

static HRESULT STDMETHODCALLTYPE resolve_name(IAddrBook *This, ULONG_PTR ui, ULONG flags, LPTSTR title, LPADRLIST list) {
  if (!list) return MAPI_E_INVALID_PARAMETER;
  if (flags & MAPI_DIALOG) return MAPI_E_INVALID_PARAMETER; /* a service must never get a dialog */
  BOOL ambiguous = FALSE, missing = FALSE;
  for (ULONG i = 0; i < list->cEntries; i++) {
    ADRENTRY *e = &list->aEntries[i];
    const WCHAR *name = NULL;
    BOOL resolved = FALSE;
    for (ULONG k = 0; k < e->cValues; k++) {
      if (e->rgPropVals[k].ulPropTag == PR_ENTRYID) resolved = TRUE;
      if (e->rgPropVals[k].ulPropTag == PR_DISPLAY_NAME_W) name = e->rgPropVals[k].Value.lpszW;
    }
    if (resolved) continue;
    if (!name) {
      missing = TRUE;
      continue;
    }
    GalEntry hit;
    int hits = gal_matches(name, &hit);
    PropList props = {0};
    if (hits == 1) gal_entry_props(&hit, &props);
    else if (hits == 0 && config_oneoff_in_resolve() && smtp_shaped(name)) one_off_props(name, &props);
    if (hits > 1) ambiguous = TRUE;
    else if (props.count == 0) missing = TRUE;
    else {
      HRESULT hr = replace_entry(e, &props);
      props_free(&props);
      if (FAILED(hr)) return hr;
    }
  }
  return ambiguous ? MAPI_E_AMBIGUOUS_RECIP : missing ? MAPI_E_NOT_FOUND : S_OK;
}

static HRESULT STDMETHODCALLTYPE create_one_off(IAddrBook *This, LPTSTR name, LPTSTR type, LPTSTR address, ULONG flags,
                                                ULONG *cb, LPENTRYID *out) {
  if (!type || !address || !cb || !out) return MAPI_E_INVALID_PARAMETER;
  if (!(flags & MAPI_UNICODE)) return MAPI_E_BAD_CHARWIDTH; /* only Unicode callers here */
  const WCHAR *w_name = name ? (const WCHAR *)name : (const WCHAR *)address;
  return make_one_off(w_name, (const WCHAR *)type, (const WCHAR *)address, flags, cb, out);
}

static struct IAddrBookVtbl vtbl;

HRESULT addrbook_create(LPADRBOOK *out) {
  if (!vtbl.QueryInterface) {
    fill_vtbl(&vtbl, sizeof vtbl);
    vtbl.ResolveName = resolve_name;
    vtbl.CreateOneOff = create_one_off;
  }
  AddrBook *a = (AddrBook *)calloc(1, sizeof(AddrBook));
  obj_init(a, &vtbl, NULL);
  *out = (LPADRBOOK)a;
  return S_OK;
}
