"""Count requests of one kind in an emulator's request log."""

from __future__ import annotations


def _path(entry: dict) -> str:
    return entry.get("path", "").split("?", 1)[0].rstrip("/")


def count_token_requests(log: list) -> int:
    return sum(1 for entry in log if _path(entry).endswith("/admin/generateToken"))


def count_jobs_list_requests(log: list) -> int:
    return sum(1 for entry in log if _path(entry).endswith("/admin/system/jobs"))
