/* The log is the mailbox. One JSON line per submitted message: {"profile","logonFlags","store","outbox","pumped",
 * "representingRewritten","ndr":[{"to","reason"}],"props":{…},"recipients":[{…}],"attachments":[{…}]}; known tags
 * by name (PR_SUBJECT_W), others as 0xTTTTTTTT, binary values as base64. A cached store's sync tick appends
 * {"transported":"<Message-ID>"} for each message it takes out of the Outbox. */
#include "provider.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *data;
  size_t len, cap;
} Buf;

static void put(Buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->data = (char *)realloc(b->data, b->cap);
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}
static void puts_(Buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_json_string(Buf *b, const char *utf8) {
  put(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)utf8; *p; p++) {
    char esc[8];
    if (*p == '"' || *p == '\\') { esc[0] = '\\'; esc[1] = (char)*p; put(b, esc, 2); }
    else if (*p < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", *p); puts_(b, esc); }
    else put(b, (const char *)p, 1);
  }
  put(b, "\"", 1);
}

static void put_wide(Buf *b, const WCHAR *w) {
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  char *s = (char *)malloc(n > 0 ? n : 1);
  s[0] = 0;
  WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
  put_json_string(b, s);
  free(s);
}

static void put_base64(Buf *b, const unsigned char *p, ULONG n) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  put(b, "\"", 1);
  for (ULONG i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    char out[4] = {abc[v >> 18 & 63], abc[v >> 12 & 63], i + 1 < n ? abc[v >> 6 & 63] : '=', i + 2 < n ? abc[v & 63] : '='};
    put(b, out, 4);
  }
  put(b, "\"", 1);
}

#define NAME(tag) {tag, #tag}
static const struct { ULONG tag; const char *name; } kNames[] = {
  NAME(PR_MESSAGE_CLASS_W), NAME(PR_SUBJECT_W), NAME(PR_BODY_W), NAME(PR_HTML), NAME(PR_INTERNET_CPID),
  NAME(PR_INTERNET_MESSAGE_ID_W), NAME(PR_SENT_REPRESENTING_NAME_W), NAME(PR_SENT_REPRESENTING_ADDRTYPE_W),
  NAME(PR_SENT_REPRESENTING_EMAIL_ADDRESS_W), NAME(PR_SENTMAIL_ENTRYID), NAME(PR_DELETE_AFTER_SUBMIT),
  NAME(PR_RECIPIENT_TYPE), NAME(PR_DISPLAY_NAME_W), NAME(PR_ADDRTYPE_W), NAME(PR_EMAIL_ADDRESS_W),
  NAME(PR_ATTACH_METHOD), NAME(PR_ATTACH_LONG_FILENAME_W), NAME(PR_ATTACH_FILENAME_W), NAME(PR_ATTACH_MIME_TAG_W),
  NAME(PR_RENDERING_POSITION), NAME(PR_ATTACH_DATA_BIN), NAME(PR_ENTRYID), NAME(PR_SEARCH_KEY), NAME(PR_SMTP_ADDRESS_W),
  NAME(PR_SENT_REPRESENTING_ENTRYID), NAME(PR_SENT_REPRESENTING_SEARCH_KEY),
};

static void put_props(Buf *b, const PropList *list) {
  put(b, "{", 1);
  for (ULONG i = 0; i < list->count; i++) {
    const SPropValue *v = &list->vals[i];
    char key[16];
    const char *name = NULL;
    for (size_t k = 0; k < sizeof kNames / sizeof kNames[0] && !name; k++)
      if (kNames[k].tag == v->ulPropTag) name = kNames[k].name;
    if (!name) {
      snprintf(key, sizeof key, "0x%08lX", (unsigned long)v->ulPropTag);
      name = key;
    }
    if (i) put(b, ",", 1);
    put_json_string(b, name);
    put(b, ":", 1);
    char num[32];
    switch (PROP_TYPE(v->ulPropTag)) {
      case PT_UNICODE: put_wide(b, v->Value.lpszW); break;
      case PT_STRING8: put_json_string(b, v->Value.lpszA); break;
      case PT_LONG: snprintf(num, sizeof num, "%ld", (long)v->Value.l); puts_(b, num); break;
      case PT_BOOLEAN: puts_(b, v->Value.b ? "true" : "false"); break;
      case PT_BINARY: put_base64(b, v->Value.bin.lpb, v->Value.bin.cb); break;
      default: puts_(b, "null");
    }
  }
  put(b, "}", 1);
}

static void put_list(Buf *b, const PropList *lists, ULONG count) {
  put(b, "[", 1);
  for (ULONG i = 0; i < count; i++) {
    if (i) put(b, ",", 1);
    put_props(b, &lists[i]);
  }
  put(b, "]", 1);
}

static const char *json_bool(BOOL b) { return b ? "true" : "false"; }

/* Recipients Exchange cannot deliver to: those without an entry id it can use (unresolved recipients cause
 * non-delivery reports, as IMessage::ModifyRecipients warns). */
static void put_ndr(Buf *b, const MessageData *m) {
  put(b, "[", 1);
  BOOL first = TRUE;
  for (ULONG i = 0; i < m->recipient_count; i++) {
    const PropList *r = &m->recipients[i];
    const SPropValue *eid = props_find(r, PR_ENTRYID);
    GalEntry who;
    BOOL oneoff;
    const char *why = !eid ? "unresolved recipient (no PR_ENTRYID)" : !entryid_addressee(&eid->Value.bin, &who, &oneoff) ? "unknown entry id" : NULL;
    if (!why) continue;
    const SPropValue *address = props_find(r, PR_EMAIL_ADDRESS_W);
    if (!address) address = props_find(r, PR_DISPLAY_NAME_W);
    if (!first) put(b, ",", 1);
    first = FALSE;
    puts_(b, "{\"to\":");
    if (address) put_wide(b, address->Value.lpszW);
    else puts_(b, "null");
    puts_(b, ",\"reason\":");
    put_json_string(b, why);
    puts_(b, "}");
  }
  put(b, "]", 1);
}

static BOOL log_path(char *path, DWORD size) {
  DWORD n = GetEnvironmentVariableA(MAPI_TEST_ENV_LOG, path, size);
  return n > 0 && n < size;
}

/* One write in append mode, so lines from concurrent helpers never interleave. */
static HRESULT append_line(const char *data, size_t len) {
  char path[1024];
  if (!log_path(path, sizeof path)) return S_OK; /* nowhere to record: accept silently */
  HANDLE f = CreateFileA(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  HRESULT hr = MAPI_E_DISK_ERROR;
  if (f != INVALID_HANDLE_VALUE) {
    DWORD written = 0;
    if (WriteFile(f, data, (DWORD)len, &written, NULL) && written == len) hr = S_OK;
    FlushFileBuffers(f);
    CloseHandle(f);
  }
  return hr;
}

HRESULT record_message(const MessageData *m) {
  Buf b = {0};
  char num[32];
  puts_(&b, "{\"profile\":");
  put_json_string(&b, m->ctx.profile);
  snprintf(num, sizeof num, ",\"logonFlags\":%lu", (unsigned long)m->ctx.logon_flags);
  puts_(&b, num);
  puts_(&b, ",\"store\":");
  put_json_string(&b, m->ctx.cached ? "cached" : "online");
  /* An online store hands the message to the server at once; a cached one keeps it until a sync tick. */
  puts_(&b, ",\"outbox\":");
  puts_(&b, json_bool(m->ctx.cached));
  puts_(&b, ",\"pumped\":");
  puts_(&b, json_bool(m->pumped));
  puts_(&b, ",\"representingRewritten\":");
  puts_(&b, json_bool(m->representing_rewritten));
  puts_(&b, ",\"ndr\":");
  put_ndr(&b, m);
  puts_(&b, ",\"props\":");
  put_props(&b, &m->props);
  puts_(&b, ",\"recipients\":");
  put_list(&b, m->recipients, m->recipient_count);
  puts_(&b, ",\"attachments\":");
  put_list(&b, m->attachments, m->attachment_count);
  puts_(&b, "}\n");
  HRESULT hr = append_line(b.data, b.len);
  free(b.data);
  return hr;
}

/* ---- reading the mailbox back (the ids the tests use need no JSON unescaping) ---- */

typedef struct {
  char id[512];
  BOOL sent_copy, outbox;
} Stored;

typedef struct {
  Stored *items;
  ULONG count, cap;
  char (*transported)[512];
  ULONG transported_count, transported_cap;
} Scan;

static BOOL field(const char *line, const char *key, char *out, size_t size) {
  const char *at = strstr(line, key);
  if (!at) return FALSE;
  at += strlen(key);
  const char *end = strchr(at, '"');
  if (!end) return FALSE;
  snprintf(out, size, "%.*s", (int)(end - at), at);
  return TRUE;
}

static void scan_store(Scan *s) {
  memset(s, 0, sizeof *s);
  char path[1024];
  FILE *f = log_path(path, sizeof path) ? fopen(path, "rb") : NULL;
  if (!f) return;
  static char line[1 << 22]; /* a recorded message with attachments is one long line */
  while (fgets(line, sizeof line, f)) {
    char id[512];
    if (field(line, "{\"transported\":\"", id, sizeof id)) {
      if (s->transported_count == s->transported_cap) {
        s->transported_cap = s->transported_cap ? s->transported_cap * 2 : 8;
        s->transported = realloc(s->transported, s->transported_cap * sizeof *s->transported);
      }
      snprintf(s->transported[s->transported_count++], 512, "%s", id);
      continue;
    }
    if (!strstr(line, "\"props\":")) continue;
    if (s->count == s->cap) {
      s->cap = s->cap ? s->cap * 2 : 8;
      s->items = realloc(s->items, s->cap * sizeof(Stored));
    }
    Stored *m = &s->items[s->count++];
    if (!field(line, "\"PR_INTERNET_MESSAGE_ID_W\":\"", m->id, sizeof m->id)) m->id[0] = 0;
    m->sent_copy = strstr(line, "\"PR_SENTMAIL_ENTRYID\"") != NULL;
    m->outbox = strstr(line, ",\"outbox\":true,") != NULL;
  }
  fclose(f);
  /* A transported message left the Outbox. */
  for (ULONG i = 0; i < s->count; i++)
    for (ULONG t = 0; t < s->transported_count && s->items[i].outbox; t++)
      if (strcmp(s->items[i].id, s->transported[t]) == 0) s->items[i].outbox = FALSE;
}

static void scan_free(Scan *s) {
  free(s->items);
  free(s->transported);
}

ULONG store_message_count(void) {
  Scan s;
  scan_store(&s);
  ULONG n = s.count;
  scan_free(&s);
  return n;
}

PropList *folder_rows(BOOL sent_items, ULONG *count) {
  Scan s;
  scan_store(&s);
  *count = 0;
  PropList *rows = s.count ? (PropList *)calloc(s.count, sizeof(PropList)) : NULL;
  for (ULONG i = 0; i < s.count; i++) {
    const Stored *m = &s.items[i];
    BOOL in = sent_items ? (m->sent_copy && !m->outbox) : m->outbox;
    if (!in || !m->id[0]) continue;
    WCHAR id[512];
    if (!MultiByteToWideChar(CP_UTF8, 0, m->id, -1, id, 512)) continue;
    SPropValue v;
    prop_text_w(&v, PR_INTERNET_MESSAGE_ID_W, id);
    props_set(&rows[(*count)++], &v);
  }
  scan_free(&s);
  return rows;
}

void store_sync_tick(void) {
  Scan s;
  scan_store(&s);
  for (ULONG i = 0; i < s.count; i++) {
    if (!s.items[i].outbox || !s.items[i].id[0]) continue;
    Buf b = {0};
    puts_(&b, "{\"transported\":");
    put_json_string(&b, s.items[i].id);
    puts_(&b, "}\n");
    append_line(b.data, b.len);
    free(b.data);
  }
  scan_free(&s);
}
