"""Writes and reads of the ledger. Each write function takes an open `Ledger` and an actor,
validates everything first, then writes inside one `Ledger.write` transaction."""
