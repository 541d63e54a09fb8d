"""The books of data resources (入表): asset cards, the journal, posting rules, the amortisation schedule, the
disclosure of 财会〔2023〕11号, CSV import, and the check of the books against the chain.

One module per idea: :mod:`~ledger.books.accounts` (the chart), :mod:`~ledger.books.cards`,
:mod:`~ledger.books.journal`, :mod:`~ledger.books.periods` and :mod:`~ledger.books.closing`, :mod:`~ledger.books.posting`,
:mod:`~ledger.books.schedule`, :mod:`~ledger.books.disclosure` and :mod:`~ledger.books.workbook` (its files),
:mod:`~ledger.books.csv_import`, :mod:`~ledger.books.chain_check`, and :mod:`~ledger.books.booking` (a
certificate booked as an intangible asset in one call).
"""
