"""releasebook: release records as code, validated and rendered into a static site."""

from __future__ import annotations

__version__ = "0.1.0"
