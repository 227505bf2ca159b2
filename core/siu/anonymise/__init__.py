"""Anonymisation (private): CPR numbers, the built-in anonymise hook, and the masking filter at the sink.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
