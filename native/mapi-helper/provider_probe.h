// Which Extended MAPI provider mapi32.dll will forward to, and whether this process can load it —
// found without touching mapi32 (a wrong-bitness provider shows a modal dialog on Windows).
#pragma once
#include <string>

struct ProviderInfo {
  bool registered = false;   // HKLM\Software\Clients\Mail names a client with an MSIComponentID or a DLLPathEx
  std::string client;        // the client's key name, e.g. "Microsoft Outlook"
  std::string dll_path;      // the DLL the stub loads: MSIComponentID's installed path, else DLLPathEx (expanded)
  std::string source;        // "MSIComponentID" or "DLLPathEx": where dll_path came from
  std::string msi_component; // the client's MSIComponentID, when it has one
  int bits = 0;              // 32 or 64 from the DLL's PE Machine field; 0 when unreadable
  std::string machine;       // "x64", "x86", "arm64", or the raw value in hex
  std::string problem;       // why the DLL could not be read, when bits == 0
};

int helper_bits();
ProviderInfo probe_provider();
// Throws HelperError BitnessMismatch when the registered provider cannot load into this process.
void ensure_provider_loadable();
