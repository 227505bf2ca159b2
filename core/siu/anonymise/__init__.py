"""Anonymisation (private): the built-in ``anonymise`` hook, which gives anonymous § 109 stays
DST's fictitious CPR. CPR numbers themselves and the masking filter at the sink live in ``siu.base``.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
