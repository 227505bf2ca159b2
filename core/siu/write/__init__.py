"""Writing the delivery (private): the XML writer, streaming XSD validation, split files, test deliveries, safe output
under faults.

Nothing here is part of the plugin API; plugin authors use the modules at the top of ``siu``.
"""
