"""The matchmaking panel of the workspace."""
