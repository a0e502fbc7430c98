"""The profiling tests' shared data: written once a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.profiling.helpers import write_big_data


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Training and serving data too large for exact values in a profile, in two training halves too."""
    return write_big_data(tmp_path_factory.mktemp("big"))
