"""`deploy-wizard serve` for a room: the wizard in attendees' browsers, kept in the host's hand.

config.py (addresses, tokens, limits), process.py (one wizard process, on textual-serve's
AppService), session.py (a process and the browser tab attached to it), room.py (every session,
limits, timeouts, the host's settings), pages.py (the HTML), server.py (the aiohttp routes).
"""
