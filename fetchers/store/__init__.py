"""The store: its schema, writes under leases, one snapshot per data version."""
