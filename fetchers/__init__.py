"""Data sources, the versioned store, refresh jobs and their scheduler."""
