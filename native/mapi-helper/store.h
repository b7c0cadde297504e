// The default message store and its Outbox / Sent Items folder ids.
#pragma once
#include "com_ptr.h"
#include <string>

struct DefaultStore {
  ComPtr<IMsgStore> store;
  std::string outbox_id;    // PR_IPM_OUTBOX_ENTRYID bytes
  std::string sentmail_id;  // PR_IPM_SENTMAIL_ENTRYID bytes; empty when the store has none
};

void open_default_store(LPMAPISESSION session, DefaultStore &out);
