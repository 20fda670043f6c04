#!/usr/bin/env python3
"""Rewrites a node's TOML config (CometBFT's config.toml, or wasmd's app.toml) for a loopback localnet.

Usage: configure_node.py CONFIG_TOML KEY=VALUE ...  where KEY is `section.name` (`.name` for
top-level keys) and VALUE is written verbatim (quote strings yourself). Only existing keys are
replaced, so a typo fails loudly instead of adding a setting CometBFT ignores.
"""
import re
import sys


def main() -> None:
    path, pairs = sys.argv[1], sys.argv[2:]
    wanted = {}
    for p in pairs:
        key, value = p.split("=", 1)
        section, name = key.rsplit(".", 1)
        wanted[(section, name)] = value
    section = ""
    out, seen = [], set()
    for line in open(path, encoding="utf-8").read().splitlines():
        m = re.match(r"^\[([^\]]+)\]\s*$", line)
        if m:
            section = m.group(1)
        m = re.match(r"^([A-Za-z0-9_-]+)\s*=", line)
        if m and (section, m.group(1)) in wanted:
            line = f"{m.group(1)} = {wanted[(section, m.group(1))]}"
            seen.add((section, m.group(1)))
        out.append(line)
    missing = set(wanted) - seen
    if missing:
        sys.exit(f"{path}: no such keys: {sorted(missing)}")
    open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
