// jemalloc's settings for the daemon, read by jemalloc when it starts (the MALLOC_CONF
// environment variable can still override them). Linked into the daemon only when it is built
// with jemalloc (CMakeLists.txt; why jemalloc: docs/decisions.md).
//
// - narenas:2 — jemalloc's default is four arenas per core, each holding its own free pages;
//   the daemon's allocations come from two or three busy threads, and two arenas keep them
//   apart without the extra resident memory (27 -> 24.6 MiB under the ingest benchmark).
// - dirty_decay_ms:1000, muzzy_decay_ms:0 — freed pages go back to the kernel after about a
//   second instead of ten, so a burst does not leave the process larger for long.
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
const char* malloc_conf = "narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
