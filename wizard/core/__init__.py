"""The deployment engine. Never imports textual: the TUI and the plain renderer both consume it."""
