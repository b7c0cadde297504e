/* IMAPITable over a fixed set of rows, honouring SetColumns (missing columns come back as PT_ERROR). */
#include "provider.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  ObjHeader h;
  PropList *rows;
  ULONG row_count, cursor;
  ULONG columns[16];
  ULONG column_count;
} Table;

static void destroy(void *self) {
  Table *t = (Table *)self;
  for (ULONG i = 0; i < t->row_count; i++) props_free(&t->rows[i]);
  free(t->rows);
}

static HRESULT STDMETHODCALLTYPE set_columns(IMAPITable *This, LPSPropTagArray cols, ULONG flags) {
  Table *t = (Table *)This;
  if (!cols || cols->cValues > 16) return MAPI_E_INVALID_PARAMETER;
  t->column_count = cols->cValues;
  memcpy(t->columns, cols->aulPropTag, cols->cValues * sizeof(ULONG));
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE get_row_count(IMAPITable *This, ULONG flags, ULONG *count) {
  *count = ((Table *)This)->row_count;
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE query_rows(IMAPITable *This, LONG max, ULONG flags, LPSRowSet *out) {
  Table *t = (Table *)This;
  ULONG n = t->row_count - t->cursor;
  if (max >= 0 && (ULONG)max < n) n = (ULONG)max;
  LPSRowSet rows;
  if (MAPIAllocateBuffer(CbNewSRowSet(n), (LPVOID *)&rows)) return MAPI_E_NOT_ENOUGH_MEMORY;
  rows->cRows = n;
  for (ULONG i = 0; i < n; i++) {
    const PropList *row = &t->rows[t->cursor + i];
    SPropValue *vals;
    MAPIAllocateBuffer(t->column_count * sizeof(SPropValue), (LPVOID *)&vals);
    for (ULONG c = 0; c < t->column_count; c++) props_copy_out(row, t->columns[c], &vals[c], vals);
    rows->aRow[i].ulAdrEntryPad = 0;
    rows->aRow[i].cValues = t->column_count;
    rows->aRow[i].lpProps = vals;
  }
  if (!(flags & TBL_NOADVANCE)) t->cursor += n;
  *out = rows;
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE seek_row(IMAPITable *This, BOOKMARK origin, LONG count, LONG *sought) {
  Table *t = (Table *)This;
  LONG base = origin == BOOKMARK_BEGINNING ? 0 : origin == BOOKMARK_END ? (LONG)t->row_count : (LONG)t->cursor;
  LONG target = base + count;
  if (target < 0) target = 0;
  if (target > (LONG)t->row_count) target = (LONG)t->row_count;
  if (sought) *sought = target - base;
  t->cursor = (ULONG)target;
  return S_OK;
}

/* Only what `find` asks: RES_PROPERTY / RELOP_EQ on a Unicode property. Non-matching rows are dropped. */
static HRESULT STDMETHODCALLTYPE restrict_rows(IMAPITable *This, LPSRestriction r, ULONG flags) {
  Table *t = (Table *)This;
  if (!r) return S_OK;
  if (r->rt != RES_PROPERTY || r->res.resProperty.relop != RELOP_EQ ||
      PROP_TYPE(r->res.resProperty.ulPropTag) != PT_UNICODE || !r->res.resProperty.lpProp)
    return MAPI_E_TOO_COMPLEX;
  ULONG kept = 0;
  for (ULONG i = 0; i < t->row_count; i++) {
    const SPropValue *v = props_find(&t->rows[i], r->res.resProperty.ulPropTag);
    if (v && wcscmp(v->Value.lpszW, r->res.resProperty.lpProp->Value.lpszW) == 0) t->rows[kept++] = t->rows[i];
    else props_free(&t->rows[i]);
  }
  t->row_count = kept;
  t->cursor = 0;
  return S_OK;
}

static struct IMAPITableVtbl vtbl;

HRESULT table_create(PropList *rows, ULONG row_count, LPMAPITABLE *out) {
  if (!vtbl.QueryInterface) {
    fill_vtbl(&vtbl, sizeof vtbl);
    vtbl.SetColumns = set_columns;
    vtbl.GetRowCount = get_row_count;
    vtbl.QueryRows = query_rows;
    vtbl.SeekRow = seek_row;
    vtbl.Restrict = restrict_rows;
  }
  Table *t = (Table *)calloc(1, sizeof(Table));
  obj_init(t, &vtbl, destroy);
  t->rows = rows;
  t->row_count = row_count;
  *out = (LPMAPITABLE)t;
  return S_OK;
}
