/* Property lists the provider's objects own: SetProps deep-copies values in, GetProps/QueryRows copy them
 * out into MAPI buffers the caller frees. Only the types the helper uses carry data. */
#include "provider.h"
#include <stdlib.h>
#include <string.h>

static void copy_value(SPropValue *dst, const SPropValue *src) {
  *dst = *src;
  switch (PROP_TYPE(src->ulPropTag)) {
    case PT_UNICODE: {
      size_t n = (wcslen(src->Value.lpszW) + 1) * sizeof(WCHAR);
      dst->Value.lpszW = (LPWSTR)malloc(n);
      memcpy(dst->Value.lpszW, src->Value.lpszW, n);
      break;
    }
    case PT_STRING8: dst->Value.lpszA = _strdup(src->Value.lpszA); break;
    case PT_BINARY:
      dst->Value.bin.lpb = (LPBYTE)malloc(src->Value.bin.cb ? src->Value.bin.cb : 1);
      memcpy(dst->Value.bin.lpb, src->Value.bin.lpb, src->Value.bin.cb);
      break;
    default: break;
  }
}

static void free_value(SPropValue *v) {
  switch (PROP_TYPE(v->ulPropTag)) {
    case PT_UNICODE: free(v->Value.lpszW); break;
    case PT_STRING8: free(v->Value.lpszA); break;
    case PT_BINARY: free(v->Value.bin.lpb); break;
    default: break;
  }
}

void props_set(PropList *list, const SPropValue *value) {
  for (ULONG i = 0; i < list->count; i++)
    if (PROP_ID(list->vals[i].ulPropTag) == PROP_ID(value->ulPropTag)) {
      free_value(&list->vals[i]);
      copy_value(&list->vals[i], value);
      return;
    }
  if (list->count == list->cap) {
    list->cap = list->cap ? list->cap * 2 : 8;
    list->vals = (SPropValue *)realloc(list->vals, list->cap * sizeof(SPropValue));
  }
  copy_value(&list->vals[list->count++], value);
}

void props_set_all(PropList *list, ULONG count, const SPropValue *values) {
  for (ULONG i = 0; i < count; i++) props_set(list, &values[i]);
}

const SPropValue *props_find(const PropList *list, ULONG tag) {
  for (ULONG i = 0; i < list->count; i++)
    if (list->vals[i].ulPropTag == tag) return &list->vals[i];
  return NULL;
}

void props_free(PropList *list) {
  for (ULONG i = 0; i < list->count; i++) free_value(&list->vals[i]);
  free(list->vals);
  memset(list, 0, sizeof *list);
}

void props_copy_out(const PropList *list, ULONG tag, SPropValue *dest, LPVOID parent) {
  const SPropValue *v = props_find(list, tag);
  if (!v) {
    dest->ulPropTag = PROP_TAG(PT_ERROR, PROP_ID(tag));
    dest->Value.err = MAPI_E_NOT_FOUND;
    return;
  }
  *dest = *v;
  switch (PROP_TYPE(tag)) {
    case PT_UNICODE: {
      size_t n = (wcslen(v->Value.lpszW) + 1) * sizeof(WCHAR);
      MAPIAllocateMore((ULONG)n, parent, (LPVOID *)&dest->Value.lpszW);
      memcpy(dest->Value.lpszW, v->Value.lpszW, n);
      break;
    }
    case PT_STRING8: {
      size_t n = strlen(v->Value.lpszA) + 1;
      MAPIAllocateMore((ULONG)n, parent, (LPVOID *)&dest->Value.lpszA);
      memcpy(dest->Value.lpszA, v->Value.lpszA, n);
      break;
    }
    case PT_BINARY:
      MAPIAllocateMore(v->Value.bin.cb ? v->Value.bin.cb : 1, parent, (LPVOID *)&dest->Value.bin.lpb);
      memcpy(dest->Value.bin.lpb, v->Value.bin.lpb, v->Value.bin.cb);
      break;
    default: break;
  }
}

/* Builders for constant values: props_set copies them, so they may point at literals. */
void prop_text_w(SPropValue *v, ULONG tag, const WCHAR *s) { v->ulPropTag = tag; v->Value.lpszW = (LPWSTR)s; }
void prop_text_a(SPropValue *v, ULONG tag, const char *s) { v->ulPropTag = tag; v->Value.lpszA = (LPSTR)s; }
void prop_bool(SPropValue *v, ULONG tag, BOOL b) { v->ulPropTag = tag; v->Value.b = (unsigned short)b; }
void prop_bin(SPropValue *v, ULONG tag, const char *bytes) {
  v->ulPropTag = tag;
  v->Value.bin.cb = (ULONG)strlen(bytes);
  v->Value.bin.lpb = (LPBYTE)bytes;
}
