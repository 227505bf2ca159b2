"""Foundations every stage uses (private): siu.toml settings, CPR numbers and the masking filter at the
sink, bounded memo dictionaries, safe output under faults, the archive of deliveries, run stamps.

Nothing here imports a stage; nothing here is part of the plugin API.
"""
