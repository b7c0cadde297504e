/* IMessage: properties, recipients (ModifyRecipients MODRECIP_ADD), attachments, SubmitMessage → record. */
#include "provider.h"
#include <stdlib.h>

typedef struct {
  ObjHeader h;
  MessageData data;
  BOOL submitted;
} Message;

static void destroy(void *self) {
  MessageData *m = &((Message *)self)->data;
  props_free(&m->props);
  for (ULONG i = 0; i < m->recipient_count; i++) props_free(&m->recipients[i]);
  for (ULONG i = 0; i < m->attachment_count; i++) props_free(&m->attachments[i]);
}

static HRESULT STDMETHODCALLTYPE set_props(IMessage *This, ULONG count, LPSPropValue values, LPSPropProblemArray *problems) {
  if (problems) *problems = NULL;
  props_set_all(&((Message *)This)->data.props, count, values);
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE modify_recipients(IMessage *This, ULONG flags, LPADRLIST list) {
  MessageData *m = &((Message *)This)->data;
  if (flags != MODRECIP_ADD || !list) return MAPI_E_NO_SUPPORT;
  config_maybe_hang("recipients");
  for (ULONG i = 0; i < list->cEntries; i++) {
    if (m->recipient_count == 64) return MAPI_E_TOO_BIG;
    props_set_all(&m->recipients[m->recipient_count++], list->aEntries[i].cValues, list->aEntries[i].rgPropVals);
  }
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE create_attach(IMessage *This, LPCIID iid, ULONG flags, ULONG *number, LPATTACH *out) {
  Message *msg = (Message *)This;
  if (msg->data.attachment_count == 32) return MAPI_E_TOO_BIG;
  *number = msg->data.attachment_count;
  return attach_create(&msg->data, (IUnknown *)This, *number, out);
}

static HRESULT STDMETHODCALLTYPE save_changes(IMessage *This, ULONG flags) { return S_OK; }

/* Exchange sends on behalf of the address whose entry id is in PR_SENT_REPRESENTING_ENTRYID; without one the
 * transport fills the represented sender from the profile's owner, whatever name and address were set. */
static void settle_representing(MessageData *m) {
  const SPropValue *eid = props_find(&m->props, PR_SENT_REPRESENTING_ENTRYID);
  GalEntry who;
  BOOL oneoff;
  if (eid && entryid_addressee(&eid->Value.bin, &who, &oneoff)) return;
  m->representing_rewritten = eid || props_find(&m->props, PR_SENT_REPRESENTING_EMAIL_ADDRESS_W) ||
                              props_find(&m->props, PR_SENT_REPRESENTING_NAME_W);
  GalEntry owner;
  config_owner(&owner);
  PropList gal = {0};
  gal_entry_props(&owner, &gal);
  static const ULONG from[5] = {PR_ENTRYID, PR_DISPLAY_NAME_W, PR_ADDRTYPE_W, PR_EMAIL_ADDRESS_W, PR_SEARCH_KEY};
  static const ULONG to[5] = {PR_SENT_REPRESENTING_ENTRYID, PR_SENT_REPRESENTING_NAME_W, PR_SENT_REPRESENTING_ADDRTYPE_W,
                              PR_SENT_REPRESENTING_EMAIL_ADDRESS_W, PR_SENT_REPRESENTING_SEARCH_KEY};
  for (int i = 0; i < 5; i++) {
    SPropValue v = *props_find(&gal, from[i]);
    v.ulPropTag = to[i];
    props_set(&m->props, &v);
  }
  props_free(&gal);
}

static HRESULT STDMETHODCALLTYPE submit_message(IMessage *This, ULONG flags) {
  Message *msg = (Message *)This;
  if (msg->submitted) return MAPI_E_SUBMITTED;
  if (msg->data.recipient_count == 0) return MAPI_E_NO_RECIPIENTS;
  config_maybe_hang("submit");
  if (config_fails("submit")) return MAPI_E_NETWORK_ERROR;
  msg->data.pumped = pump_probe_removed();
  settle_representing(&msg->data);
  HRESULT hr = record_message(&msg->data);
  if (SUCCEEDED(hr)) msg->submitted = TRUE;
  config_maybe_hang("submitted"); /* the message is in the store; the caller has not heard yet */
  return hr;
}

static struct IMessageVtbl vtbl;

HRESULT message_create(const Context *ctx, LPMESSAGE *out) {
  if (!vtbl.QueryInterface) {
    fill_vtbl(&vtbl, sizeof vtbl);
    vtbl.SetProps = set_props;
    vtbl.ModifyRecipients = modify_recipients;
    vtbl.CreateAttach = create_attach;
    vtbl.SaveChanges = save_changes;
    vtbl.SubmitMessage = submit_message;
  }
  Message *m = (Message *)calloc(1, sizeof(Message));
  obj_init(m, &vtbl, destroy);
  m->data.ctx = *ctx;
  *out = (LPMESSAGE)m;
  return S_OK;
}
