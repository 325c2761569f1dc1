"""Settings, the indicator catalogue and the event timeline: data the rest of the app reads."""
