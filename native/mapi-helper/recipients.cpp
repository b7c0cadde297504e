#include "recipients.h"
#include "errors.h"
#include "text.h"
#include "../common/mapi-extra.h"
#include <cwctype>
#include <vector>

ResolvedAddress::~ResolvedAddress() {
  if (props) mapi().FreeBuffer(props);
}

const SPropValue *ResolvedAddress::find(ULONG tag) const {
  for (ULONG i = 0; i < count; i++)
    if (props[i].ulPropTag == tag) return &props[i];
  return nullptr;
}

namespace {
// Builds one property value array in a single MAPI buffer (strings and bytes allocated "more" on it).
class ValueArray {
 public:
  explicit ValueArray(ULONG capacity) {
    check(mapi().AllocateBuffer(capacity * sizeof(SPropValue), (LPVOID *)&props_), "MAPIAllocateBuffer");
  }
  ~ValueArray() {
    if (props_) mapi().FreeBuffer(props_);
  }
  void number(ULONG tag, LONG value) { next(tag).Value.l = value; }
  void text(ULONG tag, const std::wstring &s) {
    SPropValue &v = next(tag);
    check(mapi().AllocateMore((ULONG)((s.size() + 1) * sizeof(wchar_t)), props_, (LPVOID *)&v.Value.lpszW), "MAPIAllocateMore");
    memcpy(v.Value.lpszW, s.c_str(), (s.size() + 1) * sizeof(wchar_t));
  }
  void bytes(ULONG tag, const void *data, ULONG size) {
    SPropValue &v = next(tag);
    check(mapi().AllocateMore(size ? size : 1, props_, (LPVOID *)&v.Value.bin.lpb), "MAPIAllocateMore");
    memcpy(v.Value.bin.lpb, data, size);
    v.Value.bin.cb = size;
  }
  ResolvedAddress take() {
    ResolvedAddress out;
    out.props = props_;
    out.count = count_;
    props_ = nullptr;
    return out;
  }

 private:
  SPropValue &next(ULONG tag) {
    SPropValue &v = props_[count_++];
    v.ulPropTag = tag;
    v.dwAlignPad = 0;
    return v;
  }
  LPSPropValue props_ = nullptr;
  ULONG count_ = 0;
};

bool smtp_shaped(const std::wstring &s) {
  size_t at = s.find(L'@');
  return at != std::wstring::npos && at > 0 && s.find(L'.', at) != std::wstring::npos && s.find(L' ') == std::wstring::npos;
}

bool same_address(const std::wstring &a, const std::wstring &b) { return _wcsicmp(a.c_str(), b.c_str()) == 0; }

// The SMTP address an address book entry stands for, when it says.
std::wstring smtp_of(const ResolvedAddress &r) {
  if (const SPropValue *v = r.find(PR_SMTP_ADDRESS_W)) return v->Value.lpszW;
  const SPropValue *type = r.find(PR_ADDRTYPE_W), *email = r.find(PR_EMAIL_ADDRESS_W);
  if (type && email && _wcsicmp(type->Value.lpszW, L"SMTP") == 0) return email->Value.lpszW;
  return std::wstring();
}

std::string describe(const char *role, const std::string &address) { return std::string(role) + " address " + address; }
}  // namespace

AddressBook::AddressBook(LPMAPISESSION session) {
  // No UI: a service must never see the address book's dialogs (ulUIParam 0, no AB_ flags asking for one).
  check(session->OpenAddressBook(0, nullptr, AB_NO_DIALOG, book_.out()), "IMAPISession::OpenAddressBook");
}

ResolvedAddress AddressBook::one_off(const std::wstring &address, ULONG recipient_type) {
  ULONG cb = 0;
  MapiBuffer<ENTRYID> eid;
  check(book_->CreateOneOff((LPTSTR)address.c_str(), (LPTSTR)L"SMTP", (LPTSTR)address.c_str(),
                            MAPI_UNICODE | MAPI_SEND_NO_RICH_INFO, &cb, eid.out()),
        "IAddrBook::CreateOneOff");
  // A search key is "ADDRTYPE:ADDRESS" in upper case, NUL included.
  std::string key = "SMTP:" + narrow(address);
  for (char &c : key) c = (char)toupper((unsigned char)c);
  ValueArray v(6);
  if (recipient_type) v.number(PR_RECIPIENT_TYPE, (LONG)recipient_type);
  v.bytes(PR_ENTRYID, eid.p, cb);
  v.text(PR_DISPLAY_NAME_W, address);
  v.text(PR_ADDRTYPE_W, L"SMTP");
  v.text(PR_EMAIL_ADDRESS_W, address);
  v.bytes(PR_SEARCH_KEY, key.c_str(), (ULONG)key.size() + 1);
  return v.take();
}

ResolvedAddress AddressBook::resolve(const std::string &address, ULONG recipient_type, const char *role) {
  std::wstring wide = widen(address);
  ValueArray input(2);
  if (recipient_type) input.number(PR_RECIPIENT_TYPE, (LONG)recipient_type);
  input.text(PR_DISPLAY_NAME_W, wide);
  MapiBuffer<ADRLIST> list;
  check(mapi().AllocateBuffer(CbNewADRLIST(1), (LPVOID *)list.out()), "MAPIAllocateBuffer");
  ResolvedAddress in = input.take();
  list->cEntries = 1;
  list->aEntries[0].ulReserved1 = 0;
  list->aEntries[0].cValues = in.count;
  list->aEntries[0].rgPropVals = in.release();
  struct FreeEntry {  // ResolveName may have replaced the array: free whatever the list holds at the end
    LPADRLIST l;
    ~FreeEntry() { if (l->aEntries[0].rgPropVals) mapi().FreeBuffer(l->aEntries[0].rgPropVals); }
  } free_entry{list.p};

  // One address per call, so that each failure names its address. MAPI_UNICODE: Unicode values back;
  // no MAPI_DIALOG: an ambiguous or unknown name is an error here, never a prompt.
  HRESULT hr = book_->ResolveName(0, MAPI_UNICODE, nullptr, list.p);
  if (hr == MAPI_E_AMBIGUOUS_RECIP)
    throw HelperError("MAPI_E_AMBIGUOUS_RECIP", "IAddrBook::ResolveName",
                      describe(role, address) + " matches more than one address book entry", hr);
  if (hr == MAPI_E_NOT_FOUND) {
    if (!smtp_shaped(wide))
      throw HelperError("RecipientUnresolved", "IAddrBook::ResolveName",
                        describe(role, address) + " is not in the address book and is not an SMTP address", hr);
    return one_off(wide, recipient_type);
  }
  check(hr, "IAddrBook::ResolveName");
  ResolvedAddress out;
  out.count = list->aEntries[0].cValues;
  out.props = list->aEntries[0].rgPropVals;
  list->aEntries[0].rgPropVals = nullptr;
  if (!out.find(PR_ENTRYID))
    throw HelperError("RecipientUnresolved", "IAddrBook::ResolveName", describe(role, address) + " was left without an entry id");
  // A best-guess (ANR) match to another mailbox would deliver to someone else: the exact address instead.
  std::wstring smtp = smtp_of(out);
  if (!smtp.empty() && !same_address(smtp, wide) && smtp_shaped(wide)) return one_off(wide, recipient_type);
  return out;
}
