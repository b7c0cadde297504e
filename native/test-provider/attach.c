/* IAttach (SetProps, OpenProperty(PR_ATTACH_DATA_BIN) as a stream, SaveChanges adds it to the message)
 * and the write-only IStream behind it (Commit stores the bytes; Release without Commit drops them). */
#include "provider.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  ObjHeader h;
  MessageData *owner;
  IUnknown *owner_ref; /* keeps the message alive while the attachment is open */
  PropList props;
  BOOL saved;
} Attach;

typedef struct {
  ObjHeader h;
  PropList *target;
  ULONG tag;
  unsigned char *bytes;
  ULONG size, cap;
} Stream;

static void attach_destroy(void *self) {
  Attach *a = (Attach *)self;
  props_free(&a->props);
  a->owner_ref->lpVtbl->Release(a->owner_ref);
}

static HRESULT STDMETHODCALLTYPE attach_set_props(IAttach *This, ULONG count, LPSPropValue values, LPSPropProblemArray *problems) {
  if (problems) *problems = NULL;
  props_set_all(&((Attach *)This)->props, count, values);
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE attach_open_property(IAttach *This, ULONG tag, LPCIID iid, ULONG options, ULONG flags,
                                                      LPUNKNOWN *out) {
  if (tag != PR_ATTACH_DATA_BIN || !iid || !IsEqualIID(iid, &IID_IStream)) return MAPI_E_INTERFACE_NOT_SUPPORTED;
  if (!(flags & MAPI_MODIFY)) return MAPI_E_NO_ACCESS;
  return stream_create(&((Attach *)This)->props, tag, (LPSTREAM *)out);
}

static HRESULT STDMETHODCALLTYPE attach_save_changes(IAttach *This, ULONG flags) {
  Attach *a = (Attach *)This;
  if (a->saved) return S_OK;
  PropList *slot = &a->owner->attachments[a->owner->attachment_count++];
  props_set_all(slot, a->props.count, a->props.vals);
  a->saved = TRUE;
  return S_OK;
}

static void stream_destroy(void *self) { free(((Stream *)self)->bytes); }

static HRESULT STDMETHODCALLTYPE stream_write(IStream *This, const void *data, ULONG size, ULONG *written) {
  Stream *s = (Stream *)This;
  if (s->size + size > s->cap) {
    s->cap = (s->size + size) * 2;
    s->bytes = (unsigned char *)realloc(s->bytes, s->cap);
  }
  memcpy(s->bytes + s->size, data, size);
  s->size += size;
  if (written) *written = size;
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE stream_commit(IStream *This, DWORD flags) {
  Stream *s = (Stream *)This;
  SPropValue v;
  v.ulPropTag = s->tag;
  v.Value.bin.cb = s->size;
  v.Value.bin.lpb = s->bytes ? s->bytes : (LPBYTE) "";
  props_set(s->target, &v);
  return S_OK;
}

static struct IAttachVtbl attach_vtbl;
static struct IStreamVtbl stream_vtbl;

HRESULT attach_create(MessageData *owner, IUnknown *owner_ref, ULONG number, LPATTACH *out) {
  if (!attach_vtbl.QueryInterface) {
    fill_vtbl(&attach_vtbl, sizeof attach_vtbl);
    attach_vtbl.SetProps = attach_set_props;
    attach_vtbl.OpenProperty = attach_open_property;
    attach_vtbl.SaveChanges = attach_save_changes;
  }
  Attach *a = (Attach *)calloc(1, sizeof(Attach));
  obj_init(a, &attach_vtbl, attach_destroy);
  a->owner = owner;
  a->owner_ref = owner_ref;
  owner_ref->lpVtbl->AddRef(owner_ref);
  *out = (LPATTACH)a;
  return S_OK;
}

HRESULT stream_create(PropList *target, ULONG tag, LPSTREAM *out) {
  if (!stream_vtbl.QueryInterface) {
    fill_vtbl(&stream_vtbl, sizeof stream_vtbl);
    stream_vtbl.Write = stream_write;
    stream_vtbl.Commit = stream_commit;
  }
  Stream *s = (Stream *)calloc(1, sizeof(Stream));
  obj_init(s, &stream_vtbl, stream_destroy);
  s->target = target;
  s->tag = tag;
  *out = (LPSTREAM)s;
  return S_OK;
}
