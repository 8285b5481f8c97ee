"""zs — the ledger of a district investment promotion bureau (区投资促进局招商引资台账)."""

__version__ = "0.1.0"
