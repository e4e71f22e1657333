"""A small training loop that records losses and gradient norms."""

from __future__ import annotations

__all__: list[str] = []
