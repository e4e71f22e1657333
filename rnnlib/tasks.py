"""Synthetic sequence tasks with long-range dependencies."""

from __future__ import annotations

__all__: list[str] = []
