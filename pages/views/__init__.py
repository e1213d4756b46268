"""The HTML pages analysts read; they live here because every one of them shows events."""
