"""Excel ledgers (台账): reading the workbooks bureaus keep, and writing the ledger back in the same layout.

`book` opens a workbook safely (.xlsx, .xls, .ods; python-calamine behind a package check);
`headers` knows the usual Chinese column names and finds the header row; `reader` reads a sheet's
rows; `cells` turns cell values into what `zs project add` accepts; `importer` validates and
writes in one transaction, `errorbook` marks a refused workbook's problems; `exporter`, `template`,
`trips` and `ledgerbook` write workbooks (XlsxWriter, through `zhaoshang.sheets`). The reader and
the writer are imported only inside the commands that need them.
"""
