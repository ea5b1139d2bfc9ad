"""Partner platforms without I/O: minted ids and secrets, the internal caller's token."""

from services.identity.partners.rules import internal_token_matches, new_partner_id, new_secret


def test_partner_ids_and_secrets_carry_their_prefix():
    assert new_partner_id().startswith("ptn_")
    assert new_secret().startswith("pss_")


def test_every_secret_is_new_and_long_enough_to_sign_with():
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(len(s) >= 40 for s in secrets)


def test_internal_token_matches_only_the_exact_token():
    assert internal_token_matches("s3cret-token", "s3cret-token")
    assert not internal_token_matches("s3cret-toke", "s3cret-token")
    assert not internal_token_matches("", "s3cret-token")


def test_internal_token_comparison_accepts_non_ascii_input():
    assert not internal_token_matches("令牌", "s3cret-token")


def test_api_keys_are_long_random_and_stored_only_as_their_sha256():
    from services.identity.partners.rules import api_key_digest, new_api_key

    keys = {new_api_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(k.startswith("o311_") and len(k) >= 45 for k in keys)
    key = keys.pop()
    digest = api_key_digest(key)
    assert len(digest) == 64 and key not in digest
    assert api_key_digest(key) == digest and api_key_digest(key + "x") != digest
