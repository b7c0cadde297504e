// `logon` / `logoff`: one session per helper process, the flags of a non-interactive sender.
#include "errors.h"
#include "mapi_api.h"
#include "session.h"
#include "store.h"
#include "text.h"
#include <mapi.h>

namespace {
LPMAPISESSION session = nullptr;
std::string session_profile;

std::string default_profile_name() {
  try {
    for (const ProfileEntry &p : list_profiles())
      if (p.is_default) return p.name;
  } catch (const HelperError &) {
    // the name is informative only; the logon itself decides
  }
  return std::string();
}

// The profile's name as the profile table spells it; "" when absent; `name` itself when it cannot tell.
std::string canonical_profile_name(const std::string &name) {
  try {
    for (const ProfileEntry &p : list_profiles())
      if (_wcsicmp(widen(p.name).c_str(), widen(name).c_str()) == 0) return p.name;
    return std::string();
  } catch (const HelperError &) {
    return name;
  }
}
}  // namespace

LogonResult logon(const std::string &profile) {
  const MapiApi &api = mapi();
  logoff();
  ULONG flags = MAPI_EXTENDED | MAPI_NEW_SESSION | MAPI_UNICODE | MAPI_NO_MAIL |
                (helper_is_service() ? MAPI_NT_SERVICE : 0) |
                (profile.empty() ? MAPI_USE_DEFAULT : MAPI_EXPLICIT_PROFILE);
  std::wstring name = widen(profile);
  HRESULT hr = api.LogonEx(0, profile.empty() ? nullptr : (LPTSTR)name.c_str(), nullptr, flags, &session);
  if (hr == MAPI_E_BAD_CHARWIDTH) {
    // Some MAPI implementations take only ANSI profile names: ask again without MAPI_UNICODE.
    std::string ansi = utf8_to_ansi(profile);
    hr = api.LogonEx(0, profile.empty() ? nullptr : (LPTSTR)ansi.c_str(), nullptr, flags & ~MAPI_UNICODE, &session);
  }
  if (FAILED(hr)) {
    session = nullptr;
    // Outlook and Wine answer an unknown profile with MAPI_E_NOT_FOUND or MAPI_E_LOGON_FAILED: tell them apart.
    if (!profile.empty() && (hr == MAPI_E_NOT_FOUND || hr == MAPI_E_LOGON_FAILED) && canonical_profile_name(profile).empty())
      throw HelperError("ProfileNotFound", "MAPILogonEx", "no MAPI profile has that name", hr);
    if (profile.empty() && hr == MAPI_E_NOT_FOUND)
      throw HelperError("ProfileNotFound", "MAPILogonEx", "there is no default MAPI profile", hr);
    check(hr, "MAPILogonEx");
  }
  session_profile = profile.empty() ? default_profile_name() : canonical_profile_name(profile);
  // The store is part of a usable logon: open it now (online where the profile allows) and say which.
  DefaultStore store;
  try {
    open_default_store(session, store);
  } catch (const HelperError &) {
    logoff();
    throw;
  }
  return LogonResult{session_profile, store.online};
}

void logoff() {
  if (!session) return;
  session->Logoff(0, 0, 0);
  session->Release();
  session = nullptr;
  session_profile.clear();
}

LPMAPISESSION current_session() {
  if (!session) throw HelperError("NotLoggedOn", "send", "logon first");
  return session;
}
