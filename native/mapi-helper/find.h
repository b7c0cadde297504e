// `find`: is a message with this Internet Message-ID in Sent Items or the Outbox? Asked after a helper
// died while submitting, so the transport neither loses nor duplicates the message.
#pragma once
#include <mapix.h>
#include <string>

// "sent" (delivered), "outbox" (submitted, not yet transported: neither delivered nor to be sent again),
// or "" when neither folder holds it.
std::string find_message(LPMAPISESSION session, const std::string &message_id);
