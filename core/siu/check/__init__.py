"""Checking records and deliveries (private): siu's built-in rules by family, the ledger of rows and money,
reconciliation, the verdict.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
