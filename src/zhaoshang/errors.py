"""Typed errors of the core. Each carries a Chinese message and a hint; the CLI turns them into exit code 2."""

from __future__ import annotations


class ZsError(Exception):
    """Base of every error a user can cause. Nothing has been written when one is raised."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(ZsError):
    """A value typed or imported by the user is not acceptable."""


class NotFoundError(InputError):
    """A named unit, person or project does not exist, or a name is ambiguous."""


class LedgerError(ZsError):
    """The ledger file cannot be used: missing, not a ledger, from a newer zs, damaged."""


class LedgerMissingError(LedgerError):
    """The ledger file does not exist; `path` is the path looked at, so that the CLI can say
    where it came from (--db, $ZS_DB or the default) and what it resolved to."""

    def __init__(self, message: str, hint: str | None, path: str):
        super().__init__(message, hint)
        self.path = path
