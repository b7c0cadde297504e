// Failures the helper reports: a stable code, the MAPI step that failed and, for MAPI calls, the HRESULT.
#pragma once
#include <windows.h>
#include <stdexcept>
#include <string>

struct HelperError : std::runtime_error {
  std::string code;  // e.g. MAPI_E_NOT_FOUND, BitnessMismatch, BadRequest
  std::string step;  // the call that failed, e.g. MAPILogonEx
  HRESULT hr;        // S_OK when the failure is not a MAPI call's
  HelperError(std::string code, std::string step, const std::string &message, HRESULT hr = S_OK)
      : std::runtime_error(message), code(std::move(code)), step(std::move(step)), hr(hr) {}
};

// The symbolic name of a MAPI / COM HRESULT ("0x…" when unknown).
std::string hresult_name(HRESULT hr);
std::string hresult_hex(HRESULT hr);

// Throws a HelperError named after hr when hr is a failure.
void check(HRESULT hr, const char *step);
