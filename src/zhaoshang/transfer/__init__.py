"""Excel ledgers (台账): reading the workbooks bureaus keep, and writing the ledger back in the same layout.

`headers` knows the usual Chinese column names and finds the header row; `reader` streams a sheet
(openpyxl read-only mode); `cells` turns cell values into what `zs project add` accepts;
`importer` validates and writes in one transaction; `exporter` writes the workbook.
openpyxl is imported only by these modules.
"""
