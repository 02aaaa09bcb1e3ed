#pragma once
// The JSON shapes of SPEC §2 (`dlq list --json`, `quarantine list --json`), shared by the CLI and
// the admin port so both print the same thing.
#include <string>
#include <vector>

#include "slwd/store/store.hpp"

namespace slwd::store {

// [{"id","delivery_id","handler","event_type","attempts","last_error","dead_at"}]
std::string dead_letters_json(const std::vector<DeadLetter>& dead);
// [{"id","delivery_id","endpoint","reason","received_at","body" | "body_base64"}]
std::string quarantine_json(const std::vector<QuarantineEntry>& entries);

}  // namespace slwd::store
