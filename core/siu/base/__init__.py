"""Foundations every stage uses (private): siu.toml settings, CPR numbers and the masking filter at the
sink (``masking``, with ``cpr_text``, ``controls`` and ``sink_stream`` behind it), bounded memo
dictionaries, safe output under faults, the archive of deliveries, run stamps, and the parts of a
spec pack behind :mod:`siu.specpack` (``spec_models``, ``spec_files``, ``spec_checks``, ``spec_diff``).

Nothing here imports a stage; nothing here is part of the plugin API.
"""
