"""The streaming conversion (private): the Converter that drives source → map → anonymise → check → write.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
