"""The unfolded computational graph (chapter "Unfolding the computational graph")."""

from __future__ import annotations

__all__: list[str] = []
