"""The bulletin (每月通报, 季度考评, 年终考核): its figures (`figures`, pure, from SQL aggregates),
the renderer-neutral tables they fill (`model`), and the workbook writer (`xlsx`, imports XlsxWriter).
The terminal rendering lives in the CLI, since the core never imports rich."""
