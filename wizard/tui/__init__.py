"""The Textual front end of deploy-wizard: shows engine events and sends intents to the engine.

Nothing here parses azd output or builds an argv; `wizard.core` does both and never imports this.
"""
