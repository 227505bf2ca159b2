"""Reading inputs (private): helpers behind the public parsing toolkit (siu.parsing, siu.tables, siu.tabular).

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
