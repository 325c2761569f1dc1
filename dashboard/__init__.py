"""The Dash app: figures, metrics, exports and thin callbacks over the store."""
