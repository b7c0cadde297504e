#include "provider_probe.h"
#include "errors.h"
#include "text.h"
#include <windows.h>
#include <msi.h>
#include <cstdio>
#include <cwchar>
#include <vector>

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

// LCIDs named by MSIApplicationLCID / MSIOfficeLCID (REG_MULTI_SZ: a key under HKLM\Software, then the values
// under it that hold a locale id), then the user's and the system's UI language, then 1033 — the qualifiers the
// stub's FGetComponentPath tries ("Setting Up the MSI Keys for Your MAPI DLL").
static std::vector<unsigned long> component_lcids(HKEY client) {
  std::vector<unsigned long> out;
  for (const wchar_t *name : {L"MSIApplicationLCID", L"MSIOfficeLCID"}) {
    DWORD type = 0, size = 0;
    if (RegQueryValueExW(client, name, nullptr, &type, nullptr, &size) != ERROR_SUCCESS || type != REG_MULTI_SZ) continue;
    std::wstring buf(size / sizeof(wchar_t) + 2, L'\0');
    if (RegQueryValueExW(client, name, nullptr, &type, (BYTE *)&buf[0], &size) != ERROR_SUCCESS) continue;
    std::vector<std::wstring> parts;
    for (const wchar_t *p = buf.c_str(); *p; p += wcslen(p) + 1) parts.push_back(p);
    HKEY key;
    if (parts.size() < 2 || RegOpenKeyExW(HKEY_LOCAL_MACHINE, (L"Software\\" + parts[0]).c_str(), 0, KEY_READ, &key) != ERROR_SUCCESS) continue;
    for (size_t i = 1; i < parts.size(); i++) {
      DWORD vtype = 0, number = 0, vsize = sizeof number;
      wchar_t text[32] = {0};
      if (RegQueryValueExW(key, parts[i].c_str(), nullptr, &vtype, (BYTE *)&number, &vsize) == ERROR_SUCCESS && vtype == REG_DWORD) {
        out.push_back(number);
      } else if (vsize = sizeof text - sizeof(wchar_t),
                 RegQueryValueExW(key, parts[i].c_str(), nullptr, &vtype, (BYTE *)text, &vsize) == ERROR_SUCCESS && vtype == REG_SZ) {
        unsigned long lcid = wcstoul(text, nullptr, 10);
        if (lcid) out.push_back(lcid);
      }
    }
    RegCloseKey(key);
  }
  out.push_back(GetUserDefaultUILanguage());
  out.push_back(GetSystemDefaultUILanguage());
  out.push_back(1033);
  return out;
}

// The installed path of the MSI-published component, without installing anything (INSTALLMODE_EXISTING:
// an install on demand could show UI, which a service must never do). Empty when Windows Installer has none.
static std::wstring msi_component_path(HKEY client, const std::wstring &component) {
  typedef UINT(WINAPI * ProvideQualifiedComponentW)(LPCWSTR, LPCWSTR, DWORD, LPWSTR, LPDWORD);
  HMODULE msi = LoadLibraryW(L"msi.dll");
  if (!msi) return std::wstring();
  auto provide = reinterpret_cast<ProvideQualifiedComponentW>(reinterpret_cast<void *>(GetProcAddress(msi, "MsiProvideQualifiedComponentW")));
  std::wstring found;
  for (unsigned long lcid : provide ? component_lcids(client) : std::vector<unsigned long>()) {
    for (const wchar_t *format : {L"%lu\\NT", L"%lu\\95", L"%lu"}) {
      wchar_t qualifier[32];
      swprintf(qualifier, 32, format, lcid);
      wchar_t path[MAX_PATH * 2];
      DWORD size = sizeof path / sizeof path[0];
      if (provide(component.c_str(), qualifier, (DWORD)INSTALLMODE_EXISTING, path, &size) == ERROR_SUCCESS) {
        found = path;
        break;
      }
    }
    if (!found.empty()) break;
  }
  FreeLibrary(msi);
  return found;
}

// As Windows' stub: the default client's MSIComponentID takes precedence over its DLLPathEx ("Mapi32.dll
// Stub Registry Settings"). Wine's stub reads only DLLPathEx; the probe follows Windows.
ProviderInfo probe_provider() {
  ProviderInfo info;
  HKEY mail;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"Software\\Clients\\Mail", 0, KEY_READ, &mail) != ERROR_SUCCESS) return info;
  std::wstring client;
  if (read_string_value(mail, nullptr, client) && !client.empty()) {
    HKEY key;
    if (RegOpenKeyExW(mail, client.c_str(), 0, KEY_READ, &key) == ERROR_SUCCESS) {
      std::wstring component, path;
      bool has_path = read_string_value(key, L"DLLPathEx", path) && !path.empty();
      if (read_string_value(key, L"MSIComponentID", component) && !component.empty()) {
        info.msi_component = narrow(component);
        std::wstring installed = msi_component_path(key, component);
        if (!installed.empty()) {
          path = installed;
          has_path = true;
          info.source = "MSIComponentID";
        } else {
          info.problem = "Windows Installer has no installed component for the client's MSIComponentID (the stub would try to install it)";
        }
      }
      if (has_path) {
        info.registered = true;
        info.client = narrow(client);
        info.dll_path = narrow(path);
        if (info.source.empty()) info.source = "DLLPathEx";
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
                    "the registered MAPI provider (" + info.client + (info.source == "MSIComponentID" ? ", by its MSIComponentID" : "") +
                        ") is " + std::to_string(info.bits) +
                        "-bit but this helper is " + std::to_string(helper_bits()) + "-bit; a " + std::to_string(helper_bits()) +
                        "-bit helper needs a " + std::to_string(helper_bits()) +
                        "-bit Outlook (mapi32.dll was not loaded)");
}
