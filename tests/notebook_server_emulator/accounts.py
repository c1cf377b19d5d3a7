"""Site accounts and their roles: administrators see everything, users only their own jobs."""

from __future__ import annotations

import dataclasses
import hmac

ADMIN = "admin"
USER = "user"


@dataclasses.dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


class Accounts:
    def __init__(self, accounts: list):
        self._by_name = {account.username: account for account in accounts}

    def authenticate(self, username: str, password: str) -> Account | None:
        account = self._by_name.get(username)
        if account is None or not account.password:
            return None
        # Constant-time comparison: cheap, and it is what a real server would do.
        if not hmac.compare_digest(account.password.encode("utf-8"), password.encode("utf-8")):
            return None
        return account

    def get(self, username: str) -> Account | None:
        return self._by_name.get(username)

    def passwords(self) -> list:
        return [account.password for account in self._by_name.values() if account.password]

    def all(self) -> list:
        return list(self._by_name.values())
