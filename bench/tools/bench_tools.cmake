# Benchmark and reliability tools (-DSLWD_BUILD_BENCH=ON), included from the top-level
# CMakeLists.txt. The pieces several tools share (a local HTTP server standing in for handler
# targets, a coroutine HTTP client posting signed events, unique event bodies, argument parsing)
# are one library, so e2e_bench, chaos_tool and soak_tool do not each carry a copy.
set(slwd_bench_dir ${CMAKE_CURRENT_LIST_DIR})
add_library(slwd_bench_support STATIC
  ${slwd_bench_dir}/bench_args.cpp
  ${slwd_bench_dir}/bench_client.cpp
  ${slwd_bench_dir}/bench_events.cpp
  ${slwd_bench_dir}/bench_http_server.cpp)
target_include_directories(slwd_bench_support PUBLIC ${slwd_bench_dir})
target_link_libraries(slwd_bench_support PUBLIC slwd_asio slwd_security slwd_events)

# bench/chaos.sh: the SmartLead-like sender, the flapping sink and the invariant checker.
add_executable(chaos_tool
  ${slwd_bench_dir}/chaos_tool.cpp
  ${slwd_bench_dir}/chaos_sender.cpp
  ${slwd_bench_dir}/chaos_sink.cpp
  ${slwd_bench_dir}/chaos_check.cpp)
target_link_libraries(chaos_tool PRIVATE slwd_bench_support)

# bench/soak.sh: steady load with per-minute latency, a counting sink, the SQLite dedupe probe.
add_executable(soak_tool
  ${slwd_bench_dir}/soak_tool.cpp
  ${slwd_bench_dir}/soak_sender.cpp
  ${slwd_bench_dir}/soak_dedupe.cpp)
target_link_libraries(soak_tool PRIVATE slwd_bench_support SQLite::SQLite3)
