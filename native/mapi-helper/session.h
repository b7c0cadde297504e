// The MAPI session the helper holds between requests: logon, logoff, and the profile list.
#pragma once
#include <mapix.h>
#include <string>
#include <vector>

struct ProfileEntry {
  std::string name;
  bool is_default;
};

std::vector<ProfileEntry> list_profiles();
struct LogonResult {
  std::string profile;  // the profile in use, as the profile table spells it
  bool online;          // its default store opened online (MDB_ONLINE), else the cached copy
};
// Logs on to `profile` ("" = the default profile) with service flags and never a UI flag, and opens its
// default store.
LogonResult logon(const std::string &profile);
void logoff();
// The current session; throws NotLoggedOn when there is none.
LPMAPISESSION current_session();
