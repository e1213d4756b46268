"""Events and actors in other shapes: CSV for spreadsheets, Popolo JSON for other databases."""
