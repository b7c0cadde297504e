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

static HRESULT STDMETHODCALLTYPE open_msg_store(IMAPISession *This, ULONG_PTR ui, ULONG cb, LPENTRYID eid, LPCIID iid,
                                                ULONG flags, LPMDB *out) {
  if (cb != strlen(STORE_EID) || memcmp(eid, STORE_EID, cb) != 0) return MAPI_E_UNKNOWN_ENTRYID;
  if (!(flags & MDB_NO_DIALOG)) return MAPI_E_INVALID_PARAMETER; /* a service must never get a dialog */
  return store_create(&((Session *)This)->ctx, out);
}

static HRESULT STDMETHODCALLTYPE logoff(IMAPISession *This, ULONG_PTR ui, ULONG flags, ULONG reserved) { return S_OK; }

static struct IMAPISessionVtbl vtbl;

HRESULT session_create(const Context *ctx, LPMAPISESSION *out) {
  if (!vtbl.QueryInterface) {
    fill_vtbl(&vtbl, sizeof vtbl);
    vtbl.GetMsgStoresTable = get_msg_stores_table;
    vtbl.OpenMsgStore = open_msg_store;
    vtbl.Logoff = logoff;
  }
  Session *s = (Session *)calloc(1, sizeof(Session));
  obj_init(s, &vtbl, NULL);
  s->ctx = *ctx;
  *out = (LPMAPISESSION)s;
  return S_OK;
}
