#include "errors.h"
#include "store.h"
#include "../common/mapi-extra.h"

static std::string default_store_entryid(LPMAPISESSION session) {
  ComPtr<IMAPITable> table;
  check(session->GetMsgStoresTable(0, table.out()), "IMAPISession::GetMsgStoresTable");
  SizedSPropTagArray(2, columns) = {2, {PR_ENTRYID, PR_DEFAULT_STORE}};
  check(table->SetColumns((LPSPropTagArray)&columns, 0), "IMAPITable::SetColumns");
  for (;;) {
    LPSRowSet rows = nullptr;
    check(table->QueryRows(50, 0, &rows), "IMAPITable::QueryRows");
    ULONG count = rows->cRows;
    std::string found;
    for (ULONG i = 0; i < count && found.empty(); i++) {
      const SRow &row = rows->aRow[i];
      if (row.cValues >= 2 && row.lpProps[0].ulPropTag == PR_ENTRYID && row.lpProps[1].ulPropTag == PR_DEFAULT_STORE &&
          row.lpProps[1].Value.b)
        found.assign((const char *)row.lpProps[0].Value.bin.lpb, row.lpProps[0].Value.bin.cb);
    }
    free_rows(rows);
    if (!found.empty()) return found;
    if (count == 0) throw HelperError("MAPI_E_NOT_FOUND", "GetMsgStoresTable", "the profile has no default message store", MAPI_E_NOT_FOUND);
  }
}

// MDB_ONLINE: in Cached Exchange Mode the store on the server, not the local copy, so that a message
// submitted here is in the server's Outbox at once. A profile that cannot go online refuses the flag:
// then the local copy, whose Outbox Outlook's sync empties later (send waits for that and says so).
void open_default_store(LPMAPISESSION session, DefaultStore &out) {
  std::string eid = default_store_entryid(session);
  const ULONG flags = MDB_WRITE | MAPI_BEST_ACCESS | MDB_NO_DIALOG;
  HRESULT hr = session->OpenMsgStore(0, (ULONG)eid.size(), (LPENTRYID)eid.data(), nullptr, flags | MDB_ONLINE, out.store.out());
  out.online = SUCCEEDED(hr);
  if (hr == MAPI_E_UNKNOWN_FLAGS || hr == MAPI_E_NO_SUPPORT || hr == MAPI_E_INVALID_PARAMETER)
    hr = session->OpenMsgStore(0, (ULONG)eid.size(), (LPENTRYID)eid.data(), nullptr, flags, out.store.out());
  check(hr, "IMAPISession::OpenMsgStore");
  SizedSPropTagArray(2, tags) = {2, {PR_IPM_OUTBOX_ENTRYID, PR_IPM_SENTMAIL_ENTRYID}};
  ULONG count = 0;
  MapiBuffer<SPropValue> props;
  check(out.store->GetProps((LPSPropTagArray)&tags, 0, &count, props.out()), "IMsgStore::GetProps");
  if (count < 2 || props.p[0].ulPropTag != PR_IPM_OUTBOX_ENTRYID)
    throw HelperError("MAPI_E_NOT_FOUND", "IMsgStore::GetProps", "the default store has no Outbox", MAPI_E_NOT_FOUND);
  out.outbox_id.assign((const char *)props.p[0].Value.bin.lpb, props.p[0].Value.bin.cb);
  if (props.p[1].ulPropTag == PR_IPM_SENTMAIL_ENTRYID)
    out.sentmail_id.assign((const char *)props.p[1].Value.bin.lpb, props.p[1].Value.bin.cb);
}
