"""Development tools that are not shipped: the scripted engine (fixed runs for snapshots) and the
screenshot generator (`make screenshots`)."""
