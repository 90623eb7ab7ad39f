"""Flask configuration for the public site (no cloud access from here)."""

SECRET_KEY = "{{SECRET}}"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 3600
WTF_CSRF_SECRET_KEY = "{{SECRET}}"
