"""Accounts and amounts (private): the mapping file's rules, reading and overlaps behind
:mod:`siu.mapping` (``mapping_rule``, ``mapping_read``, ``overlaps``), the paying municipality,
reporting channels per source system, whole-krone rounding.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
