"""The page: components, callbacks and the browser's assets."""
