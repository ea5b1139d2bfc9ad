"""Login, passwords, SMS and WeChat, throttling, access and refresh tokens, signing keys."""
