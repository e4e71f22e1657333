"""Shared fixtures for the rnnlib tests."""

import pytest

from problems import make_problem


@pytest.fixture
def problem():
    return make_problem(T=6, B=3, D=4, H=5, K=2)
