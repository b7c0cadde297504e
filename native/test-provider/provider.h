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
typedef enum { STORE_ONLINE, STORE_CACHED, STORE_CACHED_ONLY } StoreMode;
StoreMode config_store_mode(void);
/* Milliseconds between sync ticks of a cached store; 0: never. */
UINT config_sync_ms(void);
/* Logons fail once the mailbox holds this many sent messages; -1: never. */
long config_fail_after(void);
typedef struct {
  WCHAR name[128];
  WCHAR smtp[128];
} GalEntry;
void config_owner(GalEntry *out);
int config_gal(GalEntry *out, int max);
BOOL config_oneoff_in_resolve(void);

/* ---- the thread that called MAPIInitialize: its message queue must be pumped (pump.c) ---- */
void pump_initialize(void);
/* At logon: posts a thread message, as MAPI's notification machinery does, that the caller's pump removes. */
void pump_post_probe(void);
/* True when no probe message is left in the init thread's queue (called on that thread). */
BOOL pump_probe_removed(void);
/* A cached store was opened in this process: sync ticks (timer messages on the init thread) drain its Outbox. */
void pump_cached_store_opened(void);

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
  BOOL cached; /* the store is the profile's local copy: the Outbox drains on sync ticks only */
} Context;

HRESULT table_create(PropList *rows, ULONG row_count, LPMAPITABLE *out); /* takes ownership of rows */
HRESULT session_create(const Context *ctx, LPMAPISESSION *out);
HRESULT store_create(const Context *ctx, LPMDB *out);
HRESULT folder_create(const Context *ctx, LPMAPIFOLDER *out);
HRESULT message_create(const Context *ctx, LPMESSAGE *out);
HRESULT profadmin_create(LPPROFADMIN *out);
HRESULT addrbook_create(LPADRBOOK *out);

/* Entry ids this provider hands out: a GAL entry ("GAL:" + SMTP address) or a one-off entry id in MAPI's
 * documented format. True when `eid` is one of them; `out` then names the addressee. */
BOOL entryid_addressee(const SBinary *eid, GalEntry *out, BOOL *oneoff);
/* The properties of a resolved GAL entry (entry id, display name, EX address, SMTP address, search key). */
void gal_entry_props(const GalEntry *e, PropList *out);

/* A message's parts, as the attach and stream objects add to them. */
typedef struct {
  Context ctx;
  PropList props;
  PropList recipients[64];
  ULONG recipient_count;
  PropList attachments[32];
  ULONG attachment_count;
  BOOL pumped;                /* the init thread's queue was pumped between logon and submit */
  BOOL representing_rewritten; /* no PR_SENT_REPRESENTING_ENTRYID: the owner was put in its place */
} MessageData;
HRESULT attach_create(MessageData *owner, IUnknown *owner_ref, ULONG number, LPATTACH *out);
HRESULT stream_create(PropList *target, ULONG tag, LPSTREAM *out);

/* Appends the submitted message as one JSON line to $MAPI_TEST_PROVIDER_LOG. */
HRESULT record_message(const MessageData *m);
/* A folder's rows (PR_INTERNET_MESSAGE_ID_W) from the log, which is this provider's whole store and so survives
 * helper processes. Sent Items: the messages that asked for a copy (PR_SENTMAIL_ENTRYID) and left the Outbox;
 * the Outbox: messages submitted to a cached store that no sync tick has transported yet. */
PropList *folder_rows(BOOL sent_items, ULONG *count);
/* How many messages were submitted to this mailbox (every helper process). */
ULONG store_message_count(void);
/* A cached store's sync: every message in the Outbox is transported (one {"transported":id} line each). */
void store_sync_tick(void);

/* Well-known entry ids of the one store and its folders. */
#define STORE_EID "TESTSTORE"
#define OUTBOX_EID "OUTBOX"
#define SENTMAIL_EID "SENTMAIL"

#endif
