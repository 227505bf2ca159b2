"""The plugin host (private): guarded plugin loading (``plugins``, with ``plugin_info``, ``loading``,
``calls`` and ``hook_reference`` behind it) and the registry of spec packs.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
