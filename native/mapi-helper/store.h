// The default message store and its Outbox / Sent Items folder ids.
#pragma once
#include "com_ptr.h"
#include <string>

struct DefaultStore {
  ComPtr<IMsgStore> store;
  std::string outbox_id;    // PR_IPM_OUTBOX_ENTRYID bytes
  std::string sentmail_id;  // PR_IPM_SENTMAIL_ENTRYID bytes; empty when the store has none
  bool online = false;      // opened with MDB_ONLINE (false: the profile's cached copy)
};

void open_default_store(LPMAPISESSION session, DefaultStore &out);
// Whether the folder holds a message with this Internet Message-ID (the store restricts its contents table).
bool folder_holds(IMsgStore *store, const std::string &folder_id, const std::wstring &message_id);
