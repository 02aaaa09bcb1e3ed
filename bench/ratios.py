#!/usr/bin/env python3
"""Reads the harness's RESULTS.md and prints TARGET's figures beside nginx-1w and beast-1t of the
same mode (same run), with the ratios. Usage: ratios.py RESULTS.md TARGET"""
import sys

path, target = sys.argv[1], sys.argv[2]
rows = {}
for line in open(path):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 11 or cells[0] in ("target", "---") or cells[0].startswith("-"):
        continue
    try:
        rps = float(cells[3].split()[0])
    except ValueError:
        continue
    rows[(cells[0], cells[1])] = {"rps": rps, "p50": cells[4], "p99": cells[5],
                                  "rss": cells[9], "cpu": cells[10]}

print(f"{'target':<10} {'mode':<9} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'RSS MiB':>8} "
      f"{'CPU us/req':>10} {'/nginx':>7} {'/beast':>7}")
for (name, mode), r in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    base = rows.get(("nginx-1w", mode))
    beast = rows.get(("beast-1t", mode))
    ratio = f"{r['rps'] / base['rps']:.2f}" if base else "-"
    ratio_b = f"{r['rps'] / beast['rps']:.2f}" if beast else "-"
    print(f"{name:<10} {mode:<9} {r['rps']:>9.0f} {r['p50']:>7} {r['p99']:>7} {r['rss']:>8} "
          f"{r['cpu']:>10} {ratio:>7} {ratio_b:>7}")
