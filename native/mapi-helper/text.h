// Text conversions at the JSON boundary: JSON carries UTF-8, MAPI's _W properties UTF-16.
#pragma once
#include <string>
#include <vector>

std::wstring widen(const std::string &utf8);
std::string narrow(const std::wstring &wide);
// An ANSI (code page CP_ACP) string, as profile tables return it, to UTF-8.
std::string ansi_to_utf8(const char *ansi);
// UTF-8 to the ANSI code page (CP_ACP), for MAPI calls that take only ANSI strings.
std::string utf8_to_ansi(const std::string &utf8);
// Strict base64 decoding; throws HelperError BadRequest on malformed input.
std::vector<unsigned char> base64_decode(const std::string &text, const char *field);
