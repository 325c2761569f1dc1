"""The web server: the app, security headers, health, feeds and data URLs."""
