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
// Logs on to `profile` ("" = the default profile) with service flags and never a UI flag;
// returns the name of the profile in use.
std::string logon(const std::string &profile);
void logoff();
// The current session; throws NotLoggedOn when there is none.
LPMAPISESSION current_session();
