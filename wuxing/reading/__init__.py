"""Any spreadsheet → canonical tables and problems: reading, checking, templates."""
