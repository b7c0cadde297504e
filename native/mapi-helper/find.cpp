#include "find.h"
#include "errors.h"
#include "store.h"
#include "text.h"
#include "../common/mapi-extra.h"

// Restricts the folder's contents table to PR_INTERNET_MESSAGE_ID_W == id (the store searches; Sent Items
// may hold many thousands of items) and says whether a row is left.
bool folder_holds(IMsgStore *store, const std::string &folder_id, const std::wstring &id) {
  ComPtr<IMAPIFolder> folder;
  ULONG type = 0;
  check(store->OpenEntry((ULONG)folder_id.size(), (LPENTRYID)folder_id.data(), nullptr, 0, &type, (LPUNKNOWN *)folder.out()),
        "IMsgStore::OpenEntry(folder)");
  ComPtr<IMAPITable> table;
  check(folder->GetContentsTable(MAPI_UNICODE, table.out()), "IMAPIFolder::GetContentsTable");
  SPropValue value{};
  value.ulPropTag = PR_INTERNET_MESSAGE_ID_W;
  value.Value.lpszW = (LPWSTR)id.c_str();
  SRestriction restriction{};
  restriction.rt = RES_PROPERTY;
  restriction.res.resProperty.relop = RELOP_EQ;
  restriction.res.resProperty.ulPropTag = PR_INTERNET_MESSAGE_ID_W;
  restriction.res.resProperty.lpProp = &value;
  check(table->Restrict(&restriction, TBL_BATCH), "IMAPITable::Restrict");
  SizedSPropTagArray(1, columns) = {1, {PR_INTERNET_MESSAGE_ID_W}};
  check(table->SetColumns((LPSPropTagArray)&columns, 0), "IMAPITable::SetColumns");
  LPSRowSet rows = nullptr;
  check(table->QueryRows(1, 0, &rows), "IMAPITable::QueryRows");
  bool found = rows->cRows > 0;
  free_rows(rows);
  return found;
}

std::string find_message(LPMAPISESSION session, const std::string &message_id) {
  if (message_id.empty()) throw HelperError("BadRequest", "find", "messageId is required");
  DefaultStore store;
  open_default_store(session, store);
  std::wstring id = widen(message_id);
  // Sent Items, the Outbox, Sent Items again: a message that moves from the Outbox to Sent Items between
  // two looks is still seen in one of them.
  bool has_sent = !store.sentmail_id.empty();
  if (has_sent && folder_holds(store.store.p, store.sentmail_id, id)) return "sent";
  if (folder_holds(store.store.p, store.outbox_id, id)) return "outbox";
  if (has_sent && folder_holds(store.store.p, store.sentmail_id, id)) return "sent";
  return std::string();
}
