"""Reading inputs (private): the parts behind the public parsing toolkit.

The toolkit itself is public and sits at the top of ``siu`` (siu.parsing, siu.tables,
siu.tabular, siu.adapters), which re-export what adapters use; nothing here is part of the
plugin API. For tables: ``table_info``, ``xlsx_guard`` and ``xlsx_table`` (opening a file),
``headers`` (finding the columns by alias, the closest headers when one is missing); for
:class:`siu.tabular.TabularSource`: ``aliases``, ``options`` (its settings, the ``aliases``
advice), ``sniffing``, ``rows`` (skipping, amounts, a posting's fields), ``cells`` (flags, sex,
CPRs, months, total labels) and ``tally`` (what it completed itself, said after the last row).
"""
