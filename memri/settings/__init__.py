"""Settings: `base` reads the environment (development and production); `test` adapts it for the suite."""
