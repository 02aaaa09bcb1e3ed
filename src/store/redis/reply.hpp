#pragma once
// redisReply -> Reply. hiredis frees its reply as soon as the reply callback returns, so every
// reply is deep-copied into an owned Reply inside that callback.
#include "slwd/store/redis/client.hpp"

struct redisReply;

namespace slwd::store::redis {

Reply to_reply(const redisReply& reply);

}  // namespace slwd::store::redis
