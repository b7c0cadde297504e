/* IMAPISession: one default store; Logoff is accepted. */
#include "provider.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  ObjHeader h;
  Context ctx;
} Session;

static HRESULT STDMETHODCALLTYPE get_msg_stores_table(IMAPISession *This, ULONG flags, LPMAPITABLE *out) {
  PropList *row = (PropList *)calloc(1, sizeof(PropList));
  SPropValue v;
  prop_bin(&v, PR_ENTRYID, STORE_EID);
  props_set(row, &v);
  prop_bool(&v, PR_DEFAULT_STORE, TRUE);
  props_set(row, &v);
  prop_text_w(&v, PR_DISPLAY_NAME_W, L"Test Mailbox");
  props_set(row, &v);
  return table_create(row, 1, out);
}

/* The profile decides what MDB_ONLINE can do (MAPI_TEST_STORE): a profile without Cached Exchange Mode is
 * always online; in Cached Exchange Mode MDB_ONLINE opens the server's store, else the local copy; a
 * cached-only profile refuses the flag. Once the sign-in expired (MAPI_TEST_FAIL_AFTER), the session ended. */
static HRESULT STDMETHODCALLTYPE open_msg_store(IMAPISession *This, ULONG_PTR ui, ULONG cb, LPENTRYID eid, LPCIID iid,
                                                ULONG flags, LPMDB *out) {
  if (cb != strlen(STORE_EID) || memcmp(eid, STORE_EID, cb) != 0) return MAPI_E_UNKNOWN_ENTRYID;
  if (!(flags & MDB_NO_DIALOG)) return MAPI_E_INVALID_PARAMETER; /* a service must never get a dialog */
  long fail_after = config_fail_after();
  if (fail_after >= 0 && (long)store_message_count() >= fail_after) return MAPI_E_END_OF_SESSION;
  Context ctx = ((Session *)This)->ctx;
  StoreMode mode = config_store_mode();
  if (mode == STORE_CACHED_ONLY && (flags & MDB_ONLINE)) return MAPI_E_UNKNOWN_FLAGS;
  ctx.cached = mode != STORE_ONLINE && !(flags & MDB_ONLINE);
  if (ctx.cached) pump_cached_store_opened();
  return store_create(&ctx, out);
}

static HRESULT STDMETHODCALLTYPE open_address_book(IMAPISession *This, ULONG_PTR ui, LPCIID iid, ULONG flags, LPADRBOOK *out) {
  if (!out) return MAPI_E_INVALID_PARAMETER;
  return addrbook_create(out);
}

static HRESULT STDMETHODCALLTYPE logoff(IMAPISession *This, ULONG_PTR ui, ULONG flags, ULONG reserved) { return S_OK; }

static struct IMAPISessionVtbl vtbl;

HRESULT session_create(const Context *ctx, LPMAPISESSION *out) {
  if (!vtbl.QueryInterface) {
    fill_vtbl(&vtbl, sizeof vtbl);
    vtbl.GetMsgStoresTable = get_msg_stores_table;
    vtbl.OpenMsgStore = open_msg_store;
    vtbl.OpenAddressBook = open_address_book;
    vtbl.Logoff = logoff;
  }
  Session *s = (Session *)calloc(1, sizeof(Session));
  obj_init(s, &vtbl, NULL);
  s->ctx = *ctx;
  *out = (LPMAPISESSION)s;
  return S_OK;
}
