#include "send.h"
#include "errors.h"
#include "pump.h"
#include "recipients.h"
#include "session.h"
#include "store.h"
#include "text.h"
#include "../common/mapi-extra.h"
#include <deque>
#include <vector>

using nlohmann::json;

namespace {
// Keeps converted strings and bytes alive while SPropValues point at them.
struct PropBuilder {
  std::deque<std::wstring> strings;
  std::deque<std::vector<unsigned char>> blobs;
  std::vector<SPropValue> props;

  void text(ULONG tag, const std::string &utf8) {
    strings.push_back(widen(utf8));
    SPropValue v{};
    v.ulPropTag = tag;
    v.Value.lpszW = (LPWSTR)strings.back().c_str();
    props.push_back(v);
  }
  void number(ULONG tag, LONG value) {
    SPropValue v{};
    v.ulPropTag = tag;
    v.Value.l = value;
    props.push_back(v);
  }
  void flag(ULONG tag, bool value) {
    SPropValue v{};
    v.ulPropTag = tag;
    v.Value.b = value;
    props.push_back(v);
  }
  void bytes(ULONG tag, const SBinary &bin) { bytes(tag, std::vector<unsigned char>(bin.lpb, bin.lpb + bin.cb)); }
  void wide(ULONG tag, const wchar_t *s) { text(tag, narrow(s)); }
  void bytes(ULONG tag, std::vector<unsigned char> data) {
    blobs.push_back(std::move(data));
    SPropValue v{};
    v.ulPropTag = tag;
    v.Value.bin.cb = (ULONG)blobs.back().size();
    v.Value.bin.lpb = blobs.back().data();
    props.push_back(v);
  }
  void apply(IMAPIProp *target, const char *step) {
    check(target->SetProps((ULONG)props.size(), props.data(), nullptr), step);
  }
};

std::string str(const json &req, const char *key) {
  auto it = req.find(key);
  if (it == req.end() || it->is_null()) return std::string();
  if (!it->is_string()) throw HelperError("BadRequest", "send", std::string(key) + " must be a string");
  return it->get<std::string>();
}

// Send on behalf: the complete represented-sender set from the address book entry (or one-off) of the
// address; without the entry id (and search key) Exchange fills it from the profile's owner instead.
void representing_props(const ResolvedAddress &who, PropBuilder &b) {
  const SPropValue *eid = who.find(PR_ENTRYID), *name = who.find(PR_DISPLAY_NAME_W), *type = who.find(PR_ADDRTYPE_W),
                   *email = who.find(PR_EMAIL_ADDRESS_W), *key = who.find(PR_SEARCH_KEY);
  if (!eid || !type || !email) throw HelperError("RecipientUnresolved", "IAddrBook::ResolveName", "the from address has no entry id, address type or address");
  b.bytes(PR_SENT_REPRESENTING_ENTRYID, eid->Value.bin);
  b.wide(PR_SENT_REPRESENTING_NAME_W, name ? name->Value.lpszW : email->Value.lpszW);
  b.wide(PR_SENT_REPRESENTING_ADDRTYPE_W, type->Value.lpszW);
  b.wide(PR_SENT_REPRESENTING_EMAIL_ADDRESS_W, email->Value.lpszW);
  if (key) {
    b.bytes(PR_SENT_REPRESENTING_SEARCH_KEY, key->Value.bin);
  } else {  // "ADDRTYPE:ADDRESS", upper case, NUL included
    std::string k = narrow(type->Value.lpszW) + ":" + narrow(email->Value.lpszW);
    for (char &c : k) c = (char)toupper((unsigned char)c);
    b.bytes(PR_SENT_REPRESENTING_SEARCH_KEY, std::vector<unsigned char>(k.c_str(), k.c_str() + k.size() + 1));
  }
}

void message_props(const json &req, const DefaultStore &store, PropBuilder &b) {
  b.text(PR_MESSAGE_CLASS_W, "IPM.Note");
  b.text(PR_SUBJECT_W, str(req, "subject"));
  std::string message_id = str(req, "messageId");
  if (!message_id.empty()) b.text(PR_INTERNET_MESSAGE_ID_W, message_id);
  std::string text = str(req, "text");
  if (!text.empty()) b.text(PR_BODY_W, text);
  std::string html = str(req, "html");  // base64 of the HTML in the message's charset
  if (!html.empty()) b.bytes(PR_HTML, base64_decode(html, "html"));
  if (req.contains("cpid")) b.number(PR_INTERNET_CPID, req.at("cpid").get<LONG>());
  bool save_copy = req.value("saveCopy", true);
  if (save_copy && !store.sentmail_id.empty())
    b.bytes(PR_SENTMAIL_ENTRYID, std::vector<unsigned char>(store.sentmail_id.begin(), store.sentmail_id.end()));
  else
    b.flag(PR_DELETE_AFTER_SUBMIT, true);
}

// Every recipient resolved before the message is created: one that cannot be fails the send, never NDRs.
std::vector<ResolvedAddress> resolve_recipients(AddressBook &book, const json &req) {
  std::vector<ResolvedAddress> out;
  const std::pair<const char *, ULONG> kinds[] = {{"to", MAPI_TO}, {"cc", MAPI_CC}, {"bcc", MAPI_BCC}};
  for (const auto &kind : kinds)
    if (req.contains(kind.first))
      for (const json &a : req.at(kind.first)) out.push_back(book.resolve(a.get<std::string>(), kind.second, kind.first));
  if (out.empty()) throw HelperError("BadRequest", "send", "a message needs at least one recipient");
  return out;
}

void add_recipients(IMessage *message, std::vector<ResolvedAddress> &recipients) {
  MapiBuffer<ADRLIST> adr;
  check(mapi().AllocateBuffer(CbNewADRLIST(recipients.size()), (LPVOID *)adr.out()), "MAPIAllocateBuffer");
  adr->cEntries = 0;
  struct FreeEntries {  // each rgPropVals is its own MAPI buffer (the ADRLIST contract)
    LPADRLIST l;
    ~FreeEntries() { for (ULONG i = 0; i < l->cEntries; i++) mapi().FreeBuffer(l->aEntries[i].rgPropVals); }
  } free_entries{adr.p};
  for (ResolvedAddress &r : recipients) {
    ADRENTRY &e = adr->aEntries[adr->cEntries++];
    e.ulReserved1 = 0;
    e.cValues = r.count;
    e.rgPropVals = r.release();
  }
  check(message->ModifyRecipients(MODRECIP_ADD, adr.p), "IMessage::ModifyRecipients");
}

// After SubmitMessage: polls the Outbox (pumping messages in between: a cached store's sync runs through
// them) until the message has left it or `limit_ms` has passed. True when it left.
bool wait_left_outbox(const DefaultStore &store, const std::wstring &message_id, DWORD limit_ms) {
  ULONGLONG deadline = GetTickCount64() + limit_ms;
  DWORD step = 25;
  for (;;) {
    if (!folder_holds(store.store.p, store.outbox_id, message_id)) return true;
    ULONGLONG now = GetTickCount64();
    if (now >= deadline) return false;
    pump_wait(nullptr, (DWORD)std::min<ULONGLONG>(step, deadline - now));
    step = std::min<DWORD>(step * 2, 500);
  }
}

// Attachment bytes go through an IStream: stores may refuse large binary properties in SetProps.
void add_attachment(IMessage *message, const json &a) {
  ComPtr<IAttach> attach;
  ULONG number = 0;
  check(message->CreateAttach(nullptr, 0, &number, attach.out()), "IMessage::CreateAttach");
  PropBuilder b;
  b.number(PR_ATTACH_METHOD, ATTACH_BY_VALUE);
  b.text(PR_ATTACH_LONG_FILENAME_W, str(a, "filename"));
  b.text(PR_ATTACH_FILENAME_W, str(a, "filename"));
  b.text(PR_ATTACH_MIME_TAG_W, str(a, "contentType"));
  b.number(PR_RENDERING_POSITION, -1);
  b.apply(attach.p, "IAttach::SetProps");
  std::vector<unsigned char> data = base64_decode(str(a, "data"), "attachments[].data");
  ComPtr<IStream> stream;
  check(attach->OpenProperty(PR_ATTACH_DATA_BIN, &IID_IStream, STGM_WRITE, MAPI_CREATE | MAPI_MODIFY,
                             (LPUNKNOWN *)stream.out()),
        "IAttach::OpenProperty");
  for (size_t off = 0; off < data.size();) {
    ULONG chunk = (ULONG)std::min<size_t>(data.size() - off, 64 * 1024), written = 0;
    check(stream->Write(data.data() + off, chunk, &written), "IStream::Write");
    if (written == 0) throw HelperError("MAPI_E_DISK_ERROR", "IStream::Write", "the store accepted no bytes", MAPI_E_DISK_ERROR);
    off += written;
  }
  check(stream->Commit(STGC_DEFAULT), "IStream::Commit");
  check(attach->SaveChanges(0), "IAttach::SaveChanges");
}
}  // namespace

json send_message(const json &req, const std::function<void(const char *)> &progress) {
  LPMAPISESSION session = current_session();
  DefaultStore store;
  open_default_store(session, store);
  AddressBook book(session);
  std::vector<ResolvedAddress> recipients = resolve_recipients(book, req);
  PropBuilder props;
  std::string on_behalf = str(req, "onBehalfOf");
  if (!on_behalf.empty()) representing_props(book.resolve(on_behalf, 0, "from"), props);
  message_props(req, store, props);
  {
    ComPtr<IMAPIFolder> outbox;
    ULONG type = 0;
    check(store.store->OpenEntry((ULONG)store.outbox_id.size(), (LPENTRYID)store.outbox_id.data(), nullptr, MAPI_MODIFY,
                                 &type, (LPUNKNOWN *)outbox.out()),
          "IMsgStore::OpenEntry(Outbox)");
    ComPtr<IMessage> message;
    check(outbox->CreateMessage(nullptr, 0, message.out()), "IMAPIFolder::CreateMessage");
    props.apply(message.p, "IMessage::SetProps");
    add_recipients(message.p, recipients);
    if (req.contains("attachments"))
      for (const json &a : req.at("attachments")) add_attachment(message.p, a);
    progress("submitting");
    check(message->SubmitMessage(0), "IMessage::SubmitMessage");
  }  // the message is released: the store's transport takes it from here
  progress("submitted");
  // Delivered means it left the Outbox (moved to Sent Items, or gone with PR_DELETE_AFTER_SUBMIT).
  std::string message_id = str(req, "messageId");
  DWORD limit = req.value("outboxWaitMs", 0u);
  json left = message_id.empty() ? json(nullptr) : json(wait_left_outbox(store, widen(message_id), limit));
  return json{{"submitted", true},
              {"savedCopy", req.value("saveCopy", true) && !store.sentmail_id.empty()},
              {"store", store.online ? "online" : "cached"},
              {"leftOutbox", left}};
}
