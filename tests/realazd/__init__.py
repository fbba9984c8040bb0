"""Test support: the real azd (built with `-tags=record`) on azd's own recorded Azure sessions.

build.py (the binary, cached per version), cassette.py (go-vcr cassettes and matching),
proxy.py + tls.py + identity.py (the Azure azd talks to: replay proxy, TLS, token endpoint),
bicep_standin.py (bicep offline), session.py (one replayed session: argv, env, project copy),
mutations.py (injected failures), transcript.py (kept outputs), plugin.py (pytest fixtures),
versions.py (the azd versions tested), __main__.py (`python -m tests.realazd serve`).
Never imported by the shipped `wizard` package.
"""
