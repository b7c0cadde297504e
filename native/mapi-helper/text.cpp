#include "text.h"
#include "errors.h"
#include <windows.h>

std::wstring widen(const std::string &utf8) {
  if (utf8.empty()) return std::wstring();
  int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), (int)utf8.size(), nullptr, 0);
  std::wstring out(n, L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), (int)utf8.size(), &out[0], n);
  return out;
}

std::string narrow(const std::wstring &wide) {
  if (wide.empty()) return std::string();
  int n = WideCharToMultiByte(CP_UTF8, 0, wide.data(), (int)wide.size(), nullptr, 0, nullptr, nullptr);
  std::string out(n, '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), (int)wide.size(), &out[0], n, nullptr, nullptr);
  return out;
}

std::string ansi_to_utf8(const char *ansi) {
  if (!ansi || !*ansi) return std::string();
  int n = MultiByteToWideChar(CP_ACP, 0, ansi, -1, nullptr, 0);
  std::wstring wide(n, L'\0');
  MultiByteToWideChar(CP_ACP, 0, ansi, -1, &wide[0], n);
  wide.resize(n > 0 ? n - 1 : 0);
  return narrow(wide);
}

std::string utf8_to_ansi(const std::string &utf8) {
  std::wstring wide = widen(utf8);
  if (wide.empty()) return std::string();
  int n = WideCharToMultiByte(CP_ACP, 0, wide.data(), (int)wide.size(), nullptr, 0, nullptr, nullptr);
  std::string out(n, '\0');
  WideCharToMultiByte(CP_ACP, 0, wide.data(), (int)wide.size(), &out[0], n, nullptr, nullptr);
  return out;
}

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::vector<unsigned char> base64_decode(const std::string &text, const char *field) {
  std::vector<unsigned char> out;
  out.reserve(text.size() / 4 * 3);
  unsigned int acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] != '='; i++) {
    int v = b64_value(text[i]);
    if (v < 0) throw HelperError("BadRequest", "decode", std::string(field) + " is not valid base64");
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back((unsigned char)((acc >> bits) & 0xFF));
    }
  }
  for (; i < text.size(); i++)
    if (text[i] != '=') throw HelperError("BadRequest", "decode", std::string(field) + " is not valid base64");
  return out;
}
