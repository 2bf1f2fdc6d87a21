"""Date and number formats of the portal (``FORMAT_MODULE_PATH``): dd/mm/yyyy and 1.234.567."""
