"""Built-in azd simulator: a faithful stand-in for `azd` plus the bundled sample project."""
