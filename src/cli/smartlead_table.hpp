#pragma once
// Human-readable output of `smartlead webhooks ...` (scripts use --json instead).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace slwd::cli {

using TableRow = std::vector<std::string>;

// Columns padded to their widest cell and separated by two spaces; the last is not padded.
std::string render_table(const TableRow& headers, const std::vector<TableRow>& rows);

// ID NAME URL EVENTS, one row per webhook.
std::string render_webhook_table(const std::vector<nlohmann::json>& webhooks);

// One webhook as aligned "key: value" lines; events and categories as comma lists.
std::string render_webhook(const nlohmann::json& webhook);

// Any answer (summary, retrigger) as aligned "key: value" lines: nested objects flattened to
// "a.b", lists of scalars joined with ", ", lists of objects as a table under their key.
std::string render_answer(const nlohmann::json& answer);

}  // namespace slwd::cli
