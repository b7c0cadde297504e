/* One JSON line per submitted message: {"profile","logonFlags","props":{…},"recipients":[{…}],"attachments":[{…}]}.
 * Known tags are written by name (PR_SUBJECT_W), others as 0xTTTTTTTT; binary values as base64. */
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
  NAME(PR_RENDERING_POSITION), NAME(PR_ATTACH_DATA_BIN),
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

HRESULT record_message(const MessageData *m) {
  char path[1024];
  DWORD n = GetEnvironmentVariableA(MAPI_TEST_ENV_LOG, path, sizeof path);
  if (n == 0 || n >= sizeof path) return S_OK; /* nowhere to record: accept silently */
  Buf b = {0};
  char num[32];
  puts_(&b, "{\"profile\":");
  put_json_string(&b, m->ctx.profile);
  snprintf(num, sizeof num, ",\"logonFlags\":%lu", (unsigned long)m->ctx.logon_flags);
  puts_(&b, num);
  puts_(&b, ",\"props\":");
  put_props(&b, &m->props);
  puts_(&b, ",\"recipients\":");
  put_list(&b, m->recipients, m->recipient_count);
  puts_(&b, ",\"attachments\":");
  put_list(&b, m->attachments, m->attachment_count);
  puts_(&b, "}\n");
  /* One write in append mode, so lines from concurrent helpers never interleave. */
  HANDLE f = CreateFileA(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  HRESULT hr = MAPI_E_DISK_ERROR;
  if (f != INVALID_HANDLE_VALUE) {
    DWORD written = 0;
    if (WriteFile(f, b.data, (DWORD)b.len, &written, NULL) && written == b.len) hr = S_OK;
    FlushFileBuffers(f);
    CloseHandle(f);
  }
  free(b.data);
  return hr;
}

/* Reads back what record_message wrote. The ids the tests use need no JSON unescaping. */
PropList *sent_items_rows(ULONG *count) {
  static const char key[] = "\"PR_INTERNET_MESSAGE_ID_W\":\"";
  *count = 0;
  char path[1024];
  DWORD n = GetEnvironmentVariableA(MAPI_TEST_ENV_LOG, path, sizeof path);
  FILE *f = n > 0 && n < sizeof path ? fopen(path, "rb") : NULL;
  if (!f) return NULL;
  PropList *rows = NULL;
  ULONG cap = 0;
  static char line[1 << 16];
  while (fgets(line, sizeof line, f)) {
    char *at = strstr(line, key);
    if (!at || !strstr(line, "\"PR_SENTMAIL_ENTRYID\"")) continue;
    at += sizeof key - 1;
    char *end = strchr(at, '"');
    if (!end) continue;
    *end = 0;
    WCHAR id[512];
    if (!MultiByteToWideChar(CP_UTF8, 0, at, -1, id, 512)) continue;
    if (*count == cap) {
      cap = cap ? cap * 2 : 8;
      rows = (PropList *)realloc(rows, cap * sizeof(PropList));
    }
    memset(&rows[*count], 0, sizeof(PropList));
    SPropValue v;
    prop_text_w(&v, PR_INTERNET_MESSAGE_ID_W, id);
    props_set(&rows[(*count)++], &v);
  }
  fclose(f);
  return rows;
}
