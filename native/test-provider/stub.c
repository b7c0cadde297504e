/* Shared object plumbing. Unused vtable slots answer MAPI_E_NO_SUPPORT: one stub serves every signature
 * because the x64 calling convention leaves argument cleanup to the caller; this provider is x64 only. */
#include "provider.h"
#include <stdlib.h>

static HRESULT STDMETHODCALLTYPE no_support(void) { return MAPI_E_NO_SUPPORT; }

/* Any interface asked for is this object: the helper only asks for what it was given. */
static HRESULT STDMETHODCALLTYPE query_interface(void *self, REFIID riid, LPVOID *out) {
  obj_add_ref(self);
  *out = self;
  return S_OK;
}

ULONG obj_add_ref(void *self) { return (ULONG)InterlockedIncrement(&((ObjHeader *)self)->refs); }

ULONG obj_release(void *self) {
  ObjHeader *h = (ObjHeader *)self;
  LONG left = InterlockedDecrement(&h->refs);
  if (left == 0) {
    if (h->destroy) h->destroy(self);
    free(self);
  }
  return (ULONG)left;
}

static ULONG STDMETHODCALLTYPE add_ref_slot(void *self) { return obj_add_ref(self); }
static ULONG STDMETHODCALLTYPE release_slot(void *self) { return obj_release(self); }

void fill_vtbl(void *vtbl, size_t size) {
  void **slots = (void **)vtbl;
  for (size_t i = 0; i < size / sizeof(void *); i++) slots[i] = SLOT(no_support);
  slots[0] = SLOT(query_interface);
  slots[1] = SLOT(add_ref_slot);
  slots[2] = SLOT(release_slot);
}

void obj_init(void *self, const void *vtbl, void (*destroy)(void *self)) {
  ObjHeader *h = (ObjHeader *)self;
  h->lpVtbl = vtbl;
  h->refs = 1;
  h->destroy = destroy;
}
