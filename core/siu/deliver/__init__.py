"""After the run (private): siu deliver, the archive of receipts, siu diff, the check file beside a delivery.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
