"""Demo data for a first local start (placeholder until the services can take it).

Run by the launcher once per data directory: it waits for the gateway, loads
the demo data and then writes the marker file so later starts skip it. The
data itself (communities, residents, points lists, mall items) arrives with
the identity and points issues; until then this only says so, and writes no
marker, so the real seed still runs on this data directory once it exists.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import httpx

WAIT_FOR_GATEWAY = 180.0


async def wait_for_gateway(gateway_url: str) -> bool:
    deadline = time.monotonic() + WAIT_FOR_GATEWAY
    async with httpx.AsyncClient(base_url=gateway_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            await asyncio.sleep(1.0)
    return False


async def seed(gateway_url: str, marker: Path) -> int:
    if not await wait_for_gateway(gateway_url):
        print(f"gateway at {gateway_url} not ready after {WAIT_FOR_GATEWAY:.0f} s; no demo data")
        return 1
    print(
        "no demo data loaded yet: the demo seed arrives with the identity and points "
        f"issues; it will run on the next start (marker {marker} not written)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.seed", description=__doc__)
    parser.add_argument("--marker", type=Path, required=True, help="written once data is loaded")
    parser.add_argument(
        "--gateway-url", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000")
    )
    args = parser.parse_args()
    return asyncio.run(seed(args.gateway_url, args.marker))


if __name__ == "__main__":
    sys.exit(main())
