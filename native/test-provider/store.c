/* IMsgStore (Outbox and Sent Items ids, OpenEntry of the Outbox) and IMAPIFolder (CreateMessage). */
#include "provider.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  ObjHeader h;
  Context ctx;
} Store;

typedef struct {
  ObjHeader h;
  Context ctx;
  BOOL sent_items; /* Sent Items or the Outbox (record.c: folder_rows) */
} Folder;

static HRESULT STDMETHODCALLTYPE store_get_props(IMsgStore *This, LPSPropTagArray tags, ULONG flags, ULONG *count,
                                                 LPSPropValue *out) {
  if (!tags) return MAPI_E_NO_SUPPORT;
  PropList known = {0};
  SPropValue v;
  prop_bin(&v, PR_IPM_OUTBOX_ENTRYID, OUTBOX_EID);
  props_set(&known, &v);
  prop_bin(&v, PR_IPM_SENTMAIL_ENTRYID, SENTMAIL_EID);
  props_set(&known, &v);
  LPSPropValue vals;
  MAPIAllocateBuffer(tags->cValues * sizeof(SPropValue), (LPVOID *)&vals);
  HRESULT hr = S_OK;
  for (ULONG i = 0; i < tags->cValues; i++) {
    props_copy_out(&known, tags->aulPropTag[i], &vals[i], vals);
    if (PROP_TYPE(vals[i].ulPropTag) == PT_ERROR) hr = MAPI_W_ERRORS_RETURNED;
  }
  props_free(&known);
  *count = tags->cValues;
  *out = vals;
  return hr;
}

static HRESULT STDMETHODCALLTYPE store_open_entry(IMsgStore *This, ULONG cb, LPENTRYID eid, LPCIID iid, ULONG flags,
                                                  ULONG *type, LPUNKNOWN *out) {
  BOOL outbox = cb == strlen(OUTBOX_EID) && memcmp(eid, OUTBOX_EID, cb) == 0;
  BOOL sent = cb == strlen(SENTMAIL_EID) && memcmp(eid, SENTMAIL_EID, cb) == 0;
  if (!outbox && !sent) return MAPI_E_NOT_FOUND;
  *type = MAPI_FOLDER;
  HRESULT hr = folder_create(&((Store *)This)->ctx, (LPMAPIFOLDER *)out);
  if (SUCCEEDED(hr)) ((Folder *)*out)->sent_items = sent;
  return hr;
}

static HRESULT STDMETHODCALLTYPE folder_create_message(IMAPIFolder *This, LPCIID iid, ULONG flags, LPMESSAGE *out) {
  return message_create(&((Folder *)This)->ctx, out);
}

static HRESULT STDMETHODCALLTYPE folder_get_contents_table(IMAPIFolder *This, ULONG flags, LPMAPITABLE *out) {
  ULONG count = 0;
  PropList *rows = folder_rows(((Folder *)This)->sent_items, &count);
  return table_create(rows, count, out);
}

static struct IMsgStoreVtbl store_vtbl;
static struct IMAPIFolderVtbl folder_vtbl;

HRESULT store_create(const Context *ctx, LPMDB *out) {
  if (!store_vtbl.QueryInterface) {
    fill_vtbl(&store_vtbl, sizeof store_vtbl);
    store_vtbl.GetProps = store_get_props;
    store_vtbl.OpenEntry = store_open_entry;
  }
  Store *s = (Store *)calloc(1, sizeof(Store));
  obj_init(s, &store_vtbl, NULL);
  s->ctx = *ctx;
  *out = (LPMDB)s;
  return S_OK;
}

HRESULT folder_create(const Context *ctx, LPMAPIFOLDER *out) {
  if (!folder_vtbl.QueryInterface) {
    fill_vtbl(&folder_vtbl, sizeof folder_vtbl);
    folder_vtbl.CreateMessage = folder_create_message;
    folder_vtbl.GetContentsTable = folder_get_contents_table;
  }
  Folder *f = (Folder *)calloc(1, sizeof(Folder));
  obj_init(f, &folder_vtbl, NULL);
  f->ctx = *ctx;
  *out = (LPMAPIFOLDER)f;
  return S_OK;
}
