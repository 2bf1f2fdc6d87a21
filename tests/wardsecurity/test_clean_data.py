"""``make clean-data`` (scripts/clean-data) stops the embedded server before deleting its files.

As root, the embedded server runs as the system user ``embedded_postgres`` and PostgreSQL's
pg_ctl refuses to run as root: the stop used to fail silently and ``rm -rf .data`` then deleted
the files of a running server. The stop now runs as the folder's owner and is verified.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from wardsecurity.embedded_db import _server_processes, stop_embedded_server

pytestmark = pytest.mark.slow


def _start_scratch_server(data_dir: Path) -> Path:
    """A throw-away embedded server on ``data_dir/postgres`` in a child process (left running)."""
    code = (
        "import sys; from pathlib import Path;"
        "from wardsecurity.embedded_db import _server;"
        "_server(Path(sys.argv[1]))"
    )
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code, str(data_dir)],
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    return (data_dir / "postgres").resolve()


def test_the_embedded_server_is_stopped_before_its_data_is_deleted(tmp_path):
    pgdata = _start_scratch_server(tmp_path / "data")
    assert _server_processes(pgdata), "the scratch server did not start"
    try:
        assert stop_embedded_server(tmp_path / "data") is True
        assert _server_processes(pgdata) == []
        assert not (pgdata / "postmaster.pid").exists()
    finally:
        for pid in _server_processes(pgdata):
            subprocess.run(["kill", str(pid)], check=False)  # noqa: S603, S607


def test_stopping_a_folder_without_a_server_is_a_no_op(tmp_path):
    assert stop_embedded_server(tmp_path) is True
