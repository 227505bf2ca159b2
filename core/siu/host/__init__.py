"""The plugin host (private): guarded plugin loading, siu.toml settings, the registry of spec packs.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
