#include "provider_probe.h"
#include "errors.h"
#include "text.h"
#include <windows.h>
#include <cstdio>

int helper_bits() { return (int)(sizeof(void *) * 8); }

static bool read_string_value(HKEY key, const wchar_t *name, std::wstring &out) {
  DWORD type = 0, size = 0;
  if (RegQueryValueExW(key, name, nullptr, &type, nullptr, &size) != ERROR_SUCCESS) return false;
  if (type != REG_SZ && type != REG_EXPAND_SZ) return false;
  std::wstring buf(size / sizeof(wchar_t) + 1, L'\0');
  if (RegQueryValueExW(key, name, nullptr, &type, (BYTE *)&buf[0], &size) != ERROR_SUCCESS) return false;
  buf.resize(wcsnlen(buf.c_str(), buf.size()));
  if (type == REG_EXPAND_SZ) {
    DWORD n = ExpandEnvironmentStringsW(buf.c_str(), nullptr, 0);
    std::wstring expanded(n, L'\0');
    ExpandEnvironmentStringsW(buf.c_str(), &expanded[0], n);
    expanded.resize(n > 0 ? n - 1 : 0);
    buf = expanded;
  }
  out = buf;
  return true;
}

// The PE Machine field: DOS header → e_lfanew → "PE\0\0" → IMAGE_FILE_HEADER.Machine.
static void read_machine(ProviderInfo &info) {
  HANDLE f = CreateFileW(widen(info.dll_path).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, 0, nullptr);
  if (f == INVALID_HANDLE_VALUE) { info.problem = "cannot open the provider DLL"; return; }
  unsigned char head[0x400];
  DWORD got = 0;
  BOOL ok = ReadFile(f, head, sizeof head, &got, nullptr);
  CloseHandle(f);
  if (!ok || got < 0x40 || head[0] != 'M' || head[1] != 'Z') { info.problem = "the provider DLL is not a PE file"; return; }
  DWORD pe = *(DWORD *)&head[0x3C];
  if (pe + 6 > got || head[pe] != 'P' || head[pe + 1] != 'E' || head[pe + 2] || head[pe + 3]) {
    info.problem = "the provider DLL has no PE header";
    return;
  }
  WORD machine = *(WORD *)&head[pe + 4];
  switch (machine) {
    case IMAGE_FILE_MACHINE_AMD64: info.bits = 64; info.machine = "x64"; break;
    case IMAGE_FILE_MACHINE_I386: info.bits = 32; info.machine = "x86"; break;
    case 0xAA64: info.bits = 64; info.machine = "arm64"; break;
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%04X", machine);
      info.machine = hex;
      info.problem = "unknown PE machine type";
    }
  }
}

ProviderInfo probe_provider() {
  ProviderInfo info;
  HKEY mail;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"Software\\Clients\\Mail", 0, KEY_READ, &mail) != ERROR_SUCCESS) return info;
  std::wstring client;
  if (read_string_value(mail, nullptr, client) && !client.empty()) {
    HKEY key;
    if (RegOpenKeyExW(mail, client.c_str(), 0, KEY_READ, &key) == ERROR_SUCCESS) {
      std::wstring path;
      if (read_string_value(key, L"DLLPathEx", path) && !path.empty()) {
        info.registered = true;
        info.client = narrow(client);
        info.dll_path = narrow(path);
      }
      RegCloseKey(key);
    }
  }
  RegCloseKey(mail);
  if (info.registered) read_machine(info);
  return info;
}

void ensure_provider_loadable() {
  ProviderInfo info = probe_provider();
  if (!info.registered || info.bits == 0 || info.bits == helper_bits()) return;
  throw HelperError("BitnessMismatch", "probe",
                    "the registered MAPI provider (" + info.client + ") is " + std::to_string(info.bits) +
                        "-bit but this helper is " + std::to_string(helper_bits()) + "-bit; a " + std::to_string(helper_bits()) +
                        "-bit helper needs a " + std::to_string(helper_bits()) +
                        "-bit Outlook (mapi32.dll was not loaded)");
}
