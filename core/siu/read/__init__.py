"""Reading inputs (private): the checks of an xlsx before openpyxl opens it.

The parsing toolkit itself is public and sits at the top of ``siu`` (siu.parsing, siu.tables,
siu.tabular, siu.adapters); nothing here is part of the plugin API.
"""
