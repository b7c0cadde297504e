// Addresses as Exchange needs them: resolved through the session's address book (IAddrBook::ResolveName),
// else, for an SMTP address the address book does not know, a one-off entry id (IAddrBook::CreateOneOff).
// A recipient without PR_ENTRYID is not delivered ("Unresolved recipients cause nondelivery reports",
// IMessage::ModifyRecipients); a represented sender without PR_SENT_REPRESENTING_ENTRYID is replaced by
// the profile's owner.
#pragma once
#include "com_ptr.h"
#include <string>

// One resolved address: a property value array in one MAPI buffer (an ADRENTRY's rgPropVals).
struct ResolvedAddress {
  LPSPropValue props = nullptr;
  ULONG count = 0;
  ResolvedAddress() = default;
  ResolvedAddress(const ResolvedAddress &) = delete;
  ResolvedAddress &operator=(const ResolvedAddress &) = delete;
  ResolvedAddress(ResolvedAddress &&o) noexcept : props(o.props), count(o.count) { o.props = nullptr; }
  ~ResolvedAddress();
  // Hands the buffer over (to an ADRLIST, which frees it).
  LPSPropValue release() { LPSPropValue p = props; props = nullptr; return p; }
  const SPropValue *find(ULONG tag) const;
};

class AddressBook {
 public:
  explicit AddressBook(LPMAPISESSION session);
  // `role` names the address in errors ("to", "cc", "bcc", "from"); recipient_type 0: not a recipient.
  ResolvedAddress resolve(const std::string &address, ULONG recipient_type, const char *role);

 private:
  ResolvedAddress one_off(const std::wstring &address, ULONG recipient_type);
  ComPtr<IAddrBook> book_;
};
