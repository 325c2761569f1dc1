"""Jobs that write the store: refreshes, the scheduler, webhooks, the bundled snapshot."""
