"""Where the data come from: the sources' clients and the offline import."""
