"""The command-line front end: `deploy-wizard` (entry.py), its subcommands (handlers.py), the
headless renderer of engine events (renderer.py), and the commands with output of their own
(preflight, teardown, report, explain)."""
