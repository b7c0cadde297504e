// `send`: one message through the session's default store (Outbox → SubmitMessage).
#pragma once
#include <functional>
#include <nlohmann/json.hpp>

// `progress` is told "submitting" just before SubmitMessage (a crash after it may have sent the message) and
// "submitted" once it returned; the reply comes once the message left the Outbox or `outboxWaitMs` passed.
nlohmann::json send_message(const nlohmann::json &request, const std::function<void(const char *)> &progress);
