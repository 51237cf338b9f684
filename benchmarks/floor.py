"""The parse floor: load every record with libyaml's CSafeLoader and nothing else.

python benchmarks/floor.py releases/
"""

from __future__ import annotations

import os
import sys

import yaml


def main(folders: list[str]) -> int:
    """Walk the folders like `releasebook validate` does and load each `*.yml`/`*.yaml` file."""
    loaded = 0
    for folder in folders:
        for current, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.endswith((".yml", ".yaml")) and not name.startswith("."):
                    with open(os.path.join(current, name), encoding="utf-8") as handle:
                        yaml.load(handle.read(), Loader=yaml.CSafeLoader)
                    loaded += 1
    print(f"{loaded} files loaded")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["releases"]))
