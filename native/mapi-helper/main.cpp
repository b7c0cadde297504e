// mapi-helper: Extended MAPI for the mail agent, over JSON lines on stdin/stdout.
// Request:  {"id":1,"cmd":"hello"|"profiles"|"logon"|"send"|"find"|"logoff", ...}
// Reply:    {"id":1,"ok":true,"result":{...}} or {"id":1,"ok":false,"error":{"code","step","message",["hresult"]}}
// Progress: {"id":1,"event":"submitting"} (send only, just before SubmitMessage), then "submitted".
// Threads: a reader thread turns stdin into a queue of lines; the main thread, which initialises MAPI, runs
// every command and pumps its message queue while it waits for the next one (pump.h).
#include "errors.h"
#include "find.h"
#include "mapi_api.h"
#include "provider_probe.h"
#include "pump.h"
#include "send.h"
#include "session.h"
#include <cstdio>
#include <fcntl.h>
#include <io.h>
#include <deque>
#include <iostream>
#include <string>

using nlohmann::json;

static const char *kVersion = "0.2.0";

static void write_line(const json &value) {
  std::string line = value.dump(-1, ' ', false, json::error_handler_t::replace);
  line.push_back('\n');
  fwrite(line.data(), 1, line.size(), stdout);
  fflush(stdout);
}

static json provider_json(const ProviderInfo &p) {
  json out = {{"registered", p.registered}};
  if (!p.registered) return out;
  out["client"] = p.client;
  out["dll"] = p.dll_path;
  out["source"] = p.source;
  if (!p.msi_component.empty()) out["msiComponentId"] = p.msi_component;
  if (p.bits) out["bits"] = p.bits;
  if (!p.machine.empty()) out["machine"] = p.machine;
  if (!p.problem.empty()) out["problem"] = p.problem;
  return out;
}

static json hello() {
  ProviderInfo provider = probe_provider();
  ensure_provider_loadable();
  return json{{"helper", "mapi-helper"}, {"version", kVersion}, {"bits", helper_bits()},
              {"serviceMode", helper_is_service()}, {"provider", provider_json(provider)}};
}

static json dispatch(const json &req, const json &id) {
  std::string cmd = req.value("cmd", "");
  if (cmd == "hello") return hello();
  if (cmd == "profiles") {
    json list = json::array();
    for (const ProfileEntry &p : list_profiles()) list.push_back({{"name", p.name}, {"default", p.is_default}});
    return json{{"profiles", list}};
  }
  if (cmd == "logon") {
    LogonResult r = logon(req.value("profile", ""));
    return json{{"profile", r.profile}, {"store", r.online ? "online" : "cached"}};
  }
  if (cmd == "send")
    return send_message(req, [&](const char *event) { write_line({{"id", id}, {"event", event}}); });
  if (cmd == "find") {
    std::string where = find_message(current_session(), req.value("messageId", ""));
    return json{{"found", where.empty() ? json(nullptr) : json(where)}};
  }
  if (cmd == "logoff") {
    logoff();
    return json::object();
  }
  throw HelperError("BadRequest", "dispatch", "unknown command");
}

static json error_json(const HelperError &e) {
  json err = {{"code", e.code}, {"step", e.step}, {"message", e.what()}};
  if (e.hr != S_OK) {
    err["hresult"] = hresult_hex(e.hr);
    err["hresultName"] = hresult_name(e.hr);
  }
  if (e.code == "BitnessMismatch") err["provider"] = provider_json(probe_provider());
  return err;
}

namespace {
// Lines read from stdin by the reader thread; `ready` is set when one arrives or stdin ends.
struct Commands {
  CRITICAL_SECTION lock;
  std::deque<std::string> lines;
  bool ended = false;
  HANDLE ready = nullptr;
};
Commands commands;

DWORD WINAPI read_commands(LPVOID) {
  std::string line;
  for (;;) {
    bool got = (bool)std::getline(std::cin, line);
    EnterCriticalSection(&commands.lock);
    if (got) commands.lines.push_back(line);
    else commands.ended = true;
    LeaveCriticalSection(&commands.lock);
    SetEvent(commands.ready);
    if (!got) return 0;
  }
}

// The next line, or false when none is queued; `ended` says whether more can come.
bool next_command(std::string &line, bool &ended) {
  EnterCriticalSection(&commands.lock);
  bool got = !commands.lines.empty();
  if (got) {
    line = std::move(commands.lines.front());
    commands.lines.pop_front();
  }
  ended = commands.ended;
  LeaveCriticalSection(&commands.lock);
  return got;
}

void handle(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return;
  json id = nullptr;
  try {
    json req = json::parse(line);
    if (!req.is_object()) throw HelperError("BadRequest", "parse", "a request is a JSON object");
    id = req.value("id", json(nullptr));
    write_line({{"id", id}, {"ok", true}, {"result", dispatch(req, id)}});
  } catch (const HelperError &e) {
    write_line({{"id", id}, {"ok", false}, {"error", error_json(e)}});
  } catch (const json::exception &e) {
    write_line({{"id", id}, {"ok", false}, {"error", {{"code", "BadRequest"}, {"step", "parse"}, {"message", e.what()}}}});
  } catch (const std::exception &e) {
    write_line({{"id", id}, {"ok", false}, {"error", {{"code", "HelperFailed"}, {"step", "dispatch"}, {"message", e.what()}}}});
  }
}
}  // namespace

int wmain() {
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
  InitializeCriticalSection(&commands.lock);
  commands.ready = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  HANDLE reader = CreateThread(nullptr, 0, read_commands, nullptr, 0, nullptr);
  if (!commands.ready || !reader) return 70;
  std::string line;
  for (;;) {
    pump_messages();  // what arrived while the last command ran, before the next one
    bool ended = false;
    if (next_command(line, ended)) {
      handle(std::move(line));
      continue;
    }
    if (ended) break;
    pump_wait(commands.ready, INFINITE);
  }
  logoff();
  mapi_shutdown();
  return 0;
}
