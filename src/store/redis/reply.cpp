#include "reply.hpp"

#include <hiredis/hiredis.h>

namespace slwd::store::redis {

Reply to_reply(const redisReply& reply) {
  Reply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(reply.str, reply.len);  // binary-safe: len, not strlen
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        // hiredis' reader bounds nesting depth, so recursion here is bounded too.
        const redisReply* element = reply.element[i];
        out.elements.push_back(element != nullptr ? to_reply(*element) : Reply{});
      }
      break;
    case REDIS_REPLY_NIL:
    default:  // 0.14 speaks RESP2 only; nothing else can arrive
      out.type = Reply::Type::nil;
      break;
  }
  return out;
}

}  // namespace slwd::store::redis
