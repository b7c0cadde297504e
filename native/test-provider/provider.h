/* A test-only Extended MAPI provider: just the entry points and interfaces the helper uses. It records every
 * submitted message as one JSON line in $MAPI_TEST_PROVIDER_LOG. Never ship it. */
#ifndef TEST_PROVIDER_H
#define TEST_PROVIDER_H

#include <windows.h>
#include <objidl.h>
#include <mapix.h>
#include <mapidefs.h>
#include <mapicode.h>
#include "../common/mapi-extra.h"

/* ---- allocation (exported: mapi32 forwards MAPIAllocateBuffer/More and MAPIFreeBuffer here) ---- */
SCODE WINAPI MAPIAllocateBuffer(ULONG size, LPVOID *out);
SCODE WINAPI MAPIAllocateMore(ULONG size, LPVOID parent, LPVOID *out);
ULONG WINAPI MAPIFreeBuffer(LPVOID buffer);

/* ---- property lists owned by provider objects (deep copies, malloc'd) ---- */
typedef struct {
  ULONG count, cap;
  SPropValue *vals;
} PropList;
void props_set(PropList *list, const SPropValue *value);
void props_set_all(PropList *list, ULONG count, const SPropValue *values);
const SPropValue *props_find(const PropList *list, ULONG tag);
void props_free(PropList *list);
/* Copies `tag` (or a PT_ERROR value when absent) into `dest`, allocating data with MAPIAllocateMore on `parent`. */
void props_copy_out(const PropList *list, ULONG tag, SPropValue *dest, LPVOID parent);
void prop_text_w(SPropValue *v, ULONG tag, const WCHAR *s);
void prop_text_a(SPropValue *v, ULONG tag, const char *s);
void prop_bool(SPropValue *v, ULONG tag, BOOL b);
void prop_bin(SPropValue *v, ULONG tag, const char *bytes);

/* ---- configuration from the environment ---- */
typedef struct {
  char names[16][128];
  int count, default_index; /* default_index -1: no default profile */
} ProfileList;
void config_profiles(ProfileList *out);
/* True when $MAPI_TEST_FAIL lists `point` (logon, submit, initialize). */
BOOL config_fails(const char *point);
/* Sleeps (bounded) when $MAPI_TEST_HANG names `point`; once per marker file when $MAPI_TEST_HANG_ONCE is set. */
void config_maybe_hang(const char *point);

/* ---- objects: a common header gives every interface the same QueryInterface/AddRef/Release ---- */
typedef struct {
  const void *lpVtbl;
  LONG refs;
  void (*destroy)(void *self);
} ObjHeader;
/* Sets every slot of a vtable to a NO_SUPPORT stub, then IUnknown's three to the common ones (x64 only: stub.c). */
void fill_vtbl(void *vtbl, size_t size);
void obj_init(void *self, const void *vtbl, void (*destroy)(void *self));
ULONG obj_add_ref(void *self);
ULONG obj_release(void *self);
/* Casts an implementation to the vtable slot's type (they differ only in the `This` type). */
#define SLOT(fn) ((void *)(fn))

/* ---- objects ---- */
typedef struct {
  char profile[128];
  ULONG logon_flags;
} Context;

HRESULT table_create(PropList *rows, ULONG row_count, LPMAPITABLE *out); /* takes ownership of rows */
HRESULT session_create(const Context *ctx, LPMAPISESSION *out);
HRESULT store_create(const Context *ctx, LPMDB *out);
HRESULT folder_create(const Context *ctx, LPMAPIFOLDER *out);
HRESULT message_create(const Context *ctx, LPMESSAGE *out);
HRESULT profadmin_create(LPPROFADMIN *out);

/* A message's parts, as the attach and stream objects add to them. */
typedef struct {
  Context ctx;
  PropList props;
  PropList recipients[64];
  ULONG recipient_count;
  PropList attachments[32];
  ULONG attachment_count;
} MessageData;
HRESULT attach_create(MessageData *owner, IUnknown *owner_ref, ULONG number, LPATTACH *out);
HRESULT stream_create(PropList *target, ULONG tag, LPSTREAM *out);

/* Appends the submitted message as one JSON line to $MAPI_TEST_PROVIDER_LOG. */
HRESULT record_message(const MessageData *m);
/* Sent Items, as rows with PR_INTERNET_MESSAGE_ID_W: the recorded messages that asked for a copy
 * (PR_SENTMAIL_ENTRYID). The log is this provider's whole store, so it survives helper processes. */
PropList *sent_items_rows(ULONG *count);

/* Well-known entry ids of the one store and its folders. */
#define STORE_EID "TESTSTORE"
#define OUTBOX_EID "OUTBOX"
#define SENTMAIL_EID "SENTMAIL"

#endif
