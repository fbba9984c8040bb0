"""deploy-wizard: a guided, attributed azd deployment (TUI, headless, simulated)."""

__version__ = "0.1.0"
