"""Reports (private): console, JSON and Excel reports, report files, the progress line, docs/rules.md.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
