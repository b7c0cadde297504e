#include "send.h"
#include "errors.h"
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
  std::string on_behalf = str(req, "onBehalfOf");
  if (!on_behalf.empty()) {
    b.text(PR_SENT_REPRESENTING_NAME_W, on_behalf);
    b.text(PR_SENT_REPRESENTING_ADDRTYPE_W, "SMTP");
    b.text(PR_SENT_REPRESENTING_EMAIL_ADDRESS_W, on_behalf);
  }
  bool save_copy = req.value("saveCopy", true);
  if (save_copy && !store.sentmail_id.empty())
    b.bytes(PR_SENTMAIL_ENTRYID, std::vector<unsigned char>(store.sentmail_id.begin(), store.sentmail_id.end()));
  else
    b.flag(PR_DELETE_AFTER_SUBMIT, true);
}

void add_recipients(IMessage *message, const json &req) {
  struct Recipient { std::wstring address; ULONG type; };
  std::vector<Recipient> list;
  const std::pair<const char *, ULONG> kinds[] = {{"to", MAPI_TO}, {"cc", MAPI_CC}, {"bcc", MAPI_BCC}};
  for (const auto &kind : kinds)
    if (req.contains(kind.first))
      for (const json &a : req.at(kind.first)) list.push_back({widen(a.get<std::string>()), kind.second});
  if (list.empty()) throw HelperError("BadRequest", "send", "a message needs at least one recipient");

  const MapiApi &api = mapi();
  MapiBuffer<ADRLIST> adr;
  check(api.AllocateBuffer(CbNewADRLIST(list.size()), (LPVOID *)adr.out()), "MAPIAllocateBuffer");
  adr->cEntries = 0;
  struct FreeEntries {  // each rgPropVals is its own MAPI buffer (the ADRLIST contract)
    LPADRLIST l;
    ~FreeEntries() { for (ULONG i = 0; i < l->cEntries; i++) mapi().FreeBuffer(l->aEntries[i].rgPropVals); }
  } free_entries{adr.p};
  for (const Recipient &r : list) {
    LPSPropValue v = nullptr;
    check(api.AllocateBuffer(4 * sizeof(SPropValue), (LPVOID *)&v), "MAPIAllocateBuffer");
    ADRENTRY &e = adr->aEntries[adr->cEntries++];
    e.ulReserved1 = 0;
    e.cValues = 4;
    e.rgPropVals = v;
    v[0].ulPropTag = PR_RECIPIENT_TYPE;
    v[0].Value.l = (LONG)r.type;
    v[1].ulPropTag = PR_DISPLAY_NAME_W;
    v[1].Value.lpszW = (LPWSTR)r.address.c_str();
    v[2].ulPropTag = PR_ADDRTYPE_W;
    v[2].Value.lpszW = (LPWSTR)L"SMTP";
    v[3].ulPropTag = PR_EMAIL_ADDRESS_W;
    v[3].Value.lpszW = (LPWSTR)r.address.c_str();
  }
  check(message->ModifyRecipients(MODRECIP_ADD, adr.p), "IMessage::ModifyRecipients");
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
  ComPtr<IMAPIFolder> outbox;
  ULONG type = 0;
  check(store.store->OpenEntry((ULONG)store.outbox_id.size(), (LPENTRYID)store.outbox_id.data(), nullptr, MAPI_MODIFY,
                               &type, (LPUNKNOWN *)outbox.out()),
        "IMsgStore::OpenEntry(Outbox)");
  ComPtr<IMessage> message;
  check(outbox->CreateMessage(nullptr, 0, message.out()), "IMAPIFolder::CreateMessage");
  PropBuilder props;
  message_props(req, store, props);
  props.apply(message.p, "IMessage::SetProps");
  add_recipients(message.p, req);
  if (req.contains("attachments"))
    for (const json &a : req.at("attachments")) add_attachment(message.p, a);
  progress("submitting");
  check(message->SubmitMessage(0), "IMessage::SubmitMessage");
  return json{{"submitted", true}, {"savedCopy", req.value("saveCopy", true) && !store.sentmail_id.empty()}};
}
