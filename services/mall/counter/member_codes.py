"""The member-code verifier of the mall: one per app, identity's JWKS; tests install their own."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from kit.jwks import TokenVerifier
from kit.member_code import member_code_verifier
from kit.settings import KitSettings


def install_member_code_verifier(app: FastAPI, verifier: TokenVerifier) -> None:
    """Make `verifier` the one counter redemptions check member codes with."""
    app.state.member_code_verifier = verifier


def install_default_verifier(app: FastAPI, settings: KitSettings) -> None:
    """Check member codes against identity's JWKS as `settings` name it (from create_app)."""
    if getattr(app.state, "member_code_verifier", None) is None:
        verifier = member_code_verifier(jwks_url=settings.jwks_url, issuer=settings.token_issuer)
        install_member_code_verifier(app, verifier)


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | None = getattr(request.app.state, "member_code_verifier", None)
    if verifier is None:
        raise RuntimeError("install_member_code_verifier(app, verifier) was not called")
    return verifier


MemberCodes = Annotated[TokenVerifier, Depends(_verifier)]
